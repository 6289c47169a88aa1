// Builds the emulator's fastify app from a list of route plugins. The API lives under /v1; `/` is left
// for the dashboard. Every route needs the Bearer key unless it is declared public (src/server/access.ts).
// Other parts add their plugin with one line in ROUTE_PLUGINS.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { RoutePlugin, ServerContext } from './context.js';
import { BODY_LIMIT, installErrorHandling } from './error-handler.js';
import { collectRoutes, installAccessControl } from './access.js';
import { badRequest } from './errors.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { listenSessionRoutes } from './routes/listen-sessions.js';
import { webhookRoutes } from './routes/webhooks.js';
import { streamRoutes } from './routes/stream.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { ingestChannelRoutes } from './routes/ingest-channels.js';
import { ingestReceiveRoutes } from './routes/ingest-receive.js';
import { statsRoutes } from './routes/stats.js';

export const ROUTE_PLUGINS: RoutePlugin[] = [
  healthRoutes,
  webhookRoutes,
  eventRoutes,
  deliveryRoutes,
  listenSessionRoutes,
  streamRoutes,
  ingestChannelRoutes,
  ingestReceiveRoutes,
  statsRoutes,
  dashboardRoutes,
];

export async function buildApp(ctx: ServerContext, plugins: RoutePlugin[] = ROUTE_PLUGINS): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    forceCloseConnections: true,
    trustProxy: ctx.trustProxy === true,
    // Unknown fields are an error (400), not silently dropped.
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    // Errors fastify raises before routing (a malformed URL) get the API's shape too.
    frameworkErrors: (err, _req, reply) => {
      void (reply as unknown as FastifyReply).code(400).send(badRequest(`Malformed request: ${err.message}`, undefined, 'invalid_request').toBody());
    },
  });
  installErrorHandling(app, ctx.log, ctx.storage);
  installJsonParser(app);
  if (ctx.accessLog) installAccessLog(app, ctx.accessLog);
  collectRoutes(app);
  installAccessControl(app, ctx);
  for (const plugin of plugins) await app.register(async (instance) => plugin(instance, ctx));
  return app;
}

/** JSON only (415 for anything else); an empty body is "no body" so bodiless POSTs (enable, retry) work. */
function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(badRequest(`Request body is not valid JSON: ${(e as Error).message}`, undefined, 'invalid_json'), undefined);
    }
  });
}

/** One entry per finished request; ingest tokens (capabilities) are cut to their first 4 characters. */
function installAccessLog(app: FastifyInstance, log: NonNullable<ServerContext['accessLog']>): void {
  app.addHook('onResponse', (req, reply, done) => {
    const path = (req.raw.url ?? '').split('?')[0].replace(/^\/in\/([^/]{0,4})[^/]*/, '/in/$1…');
    log({ method: req.method, path, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, remote: req.ip });
    done();
  });
}
