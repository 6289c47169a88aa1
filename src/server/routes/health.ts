// GET /v1/health: no auth, so scripts can wait for readiness before they have a key.
import { readFileSync } from 'node:fs';
import type { RoutePlugin } from '../context.js';

export const SERVER_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

export const healthRoutes: RoutePlugin = (app) => {
  app.get('/v1/health', { config: { public: true } }, async () => ({ ok: true, version: SERVER_VERSION }));
};
