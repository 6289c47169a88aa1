// On PostgreSQL the ingest routes are not served yet: each answers 501 in the error shape (after the
// API key check like any route; the public /in/ URLs too), so a client is told why instead of a 404.
import type { RoutePlugin } from '../context.js';
import { ingestNeedsSqlite } from '../ingest/index.js';

export const ingestUnavailableRoutes: RoutePlugin = (app) => {
  const refuse = async () => {
    throw ingestNeedsSqlite();
  };
  for (const url of ['/v1/ingest-channels', '/v1/ingest-channels/*', '/v1/ingest-requests/*']) app.all(url, refuse);
  app.all('/in/*', { config: { public: true } }, refuse);
};
