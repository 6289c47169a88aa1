// GET /v1/health: no auth, so scripts can wait for readiness before they have a key.
import { readFileSync } from 'node:fs';
import { packagePath } from '../../util/package-root.js';
import type { RoutePlugin } from '../context.js';

export const SERVER_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

export const healthRoutes: RoutePlugin = (app, ctx) => {
  // The store answers a query (a closed or broken database is a 503, so a load balancer stops sending)
  // and takes writes: after a write failed for lack of storage (disk full) it is `degraded`, also a
  // 503, until a probe write goes through.
  app.get('/v1/health', { config: { public: true } }, async (_req, reply) => {
    const kind = ctx.store.kind;
    const h = await ctx.store.health();
    if (!h.ok) return reply.code(503).send({ ok: false, status: 'down', version: SERVER_VERSION, store: { ok: false, kind, error: h.detail ?? 'the store does not answer' } });
    const failure = ctx.storage.check();
    if (failure) return reply.code(503).send({ ok: false, status: 'degraded', version: SERVER_VERSION, store: { ok: false, kind, code: failure.code, error: failure.message, since: failure.since } });
    return { ok: true, status: 'ok', version: SERVER_VERSION, store: { ok: true, kind } };
  });
};
