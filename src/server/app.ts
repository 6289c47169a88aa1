// Builds the emulator's fastify app from a list of route plugins. The API lives under /v1; `/` is left
// for the dashboard. Every route needs the Bearer key unless it is declared public (src/server/access.ts).
// Other parts add their plugin with one line in ROUTE_PLUGINS.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { RoutePlugin, ServerContext } from './context.js';
import { BODY_LIMIT, installErrorHandling } from './error-handler.js';
import { collectRoutes, installAccessControl } from './access.js';
import { badRequest } from './errors.js';
import { installJsonBody } from './json-body.js';
import { clientErrorHandler, installExpectContinue } from './http-guards.js';
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
import { apiKeyRoutes } from './routes/api-keys.js';
import { ingestUnavailableRoutes } from './routes/ingest-unavailable.js';

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
  apiKeyRoutes,
  dashboardRoutes,
];

export async function buildApp(ctx: ServerContext, plugins: RoutePlugin[] = ROUTE_PLUGINS): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    // While closing, the access hook answers 503 in the API's shape (fastify's own body is not).
    return503OnClosing: false,
    // What node's HTTP parser rejects (bad framing, 431) is answered in the API's shape too.
    clientErrorHandler,
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
  installJsonBody(app);
  installExpectContinue(app);
  if (ctx.accessLog) installAccessLog(app, ctx.accessLog);
  collectRoutes(app);
  installAccessControl(app, ctx);
  for (const plugin of servable(ctx, plugins)) await app.register(async (instance) => plugin(instance, ctx));
  return app;
}

/** Ingest URLs need the SQLite store (for now): on PostgreSQL their routes answer 501 instead. */
function servable(ctx: ServerContext, plugins: RoutePlugin[]): RoutePlugin[] {
  if (ctx.sqlite) return plugins;
  const ingest = new Set<RoutePlugin>([ingestChannelRoutes, ingestReceiveRoutes]);
  const out = plugins.filter((p) => !ingest.has(p));
  return out.length < plugins.length ? [...out, ingestUnavailableRoutes] : out;
}

function installAccessLog(app: FastifyInstance, log: NonNullable<ServerContext['accessLog']>): void {
  app.addHook('onResponse', (req, reply, done) => {
    log({ method: req.method, path: loggedPath(req), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, remote: req.ip });
    done();
  });
}

/**
 * The path without its query string, an ingest token cut to 4 characters. Taken from what the router
 * matched: a regex on the raw URL misses `/%69n/<token>`, which reaches the same route.
 */
function loggedPath(req: FastifyRequest): string {
  const raw = (req.raw.url ?? '').split('?')[0];
  if (!req.routeOptions.url?.startsWith('/in/')) return raw;
  const { token = '', '*': rest } = req.params as { token?: string; '*'?: string };
  return `/in/${token.slice(0, 4)}…${rest === undefined ? '' : `/${rest}`}`;
}
