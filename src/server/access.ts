// Who may call what. Decided on the route the router MATCHED, never on the URL's text: the router
// decodes the path (%76 = v), drops an absolute-form origin, and folds some variants before it matches,
// so a test on the raw `req.url` can be walked around (`/%761/webhooks/…` once skipped the key check).
// Deny by default: a route needs the API key unless its config says `public: true`.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { ServerContext } from './context.js';
import { ApiHttpError } from './errors.js';
import { TokenBucket } from './rate-limit.js';

export function installAccessControl(app: FastifyInstance, ctx: ServerContext): void {
  // Whose data the request reaches; set for every authenticated route, empty on public ones.
  app.decorateRequest('owner', '');
  // One bucket per key (owner): one developer's runaway script does not slow the others. Several nodes
  // share a key's limit: each takes its share (the balancer spreads requests), so the sum holds.
  const buckets = new Map<string, { bucket: TokenBucket; nodes: number }>();
  const admit = (req: FastifyRequest, reply: FastifyReply, owner: string) => {
    req.owner = owner;
    const nodes = ctx.store.liveNodes();
    let entry = buckets.get(owner);
    if (!entry || entry.nodes !== nodes) {
      const share = { perSecond: ctx.rateLimit.perSecond / nodes, burst: Math.max(1, Math.floor(ctx.rateLimit.burst / nodes)) };
      buckets.set(owner, (entry = { bucket: new TokenBucket(share, Date.now()), nodes }));
    }
    const bucket = entry.bucket;
    if (!bucket.take(Date.now())) {
      void reply.header('retry-after', String(bucket.retryAfter()));
      throw new ApiHttpError(429, 'rate_limit_error', 'rate_limited', `Too many requests (more than ${ctx.rateLimit.perSecond} per second): slow down and retry after ${bucket.retryAfter()} s`);
    }
  };
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // A callback hook, not an async one: no promise per request on the hottest path.
  app.addHook('onRequest', (req, reply, done) => {
    try {
      if (closing) {
        void reply.header('connection', 'close');
        throw new ApiHttpError(503, 'api_error', 'shutting_down', 'The server is shutting down: retry in a moment');
      }
      ctx.hosts.check(req.headers.host, req.url);
      // Behind a trusted proxy the name the client used may come as X-Forwarded-Host: vet it too.
      const forwarded = ctx.trustProxy ? req.headers['x-forwarded-host'] : undefined;
      if (forwarded) for (const h of [forwarded].flat().join(',').split(',')) ctx.hosts.check(h.trim());
      // Not found is answered without data whatever the key; every matched route is protected unless public.
      if (req.is404) return done();
      // routeOptions is built anew on each read: read it once.
      const config = req.routeOptions.config as { public?: boolean; admin?: boolean } | undefined;
      if (config?.public === true) return done();
      if (config?.admin === true) {
        ctx.auth.authenticateAdmin(req);
        return done();
      }
      const owner = ctx.auth.authenticate(req);
      // A key in the cache (or the single key) answers at once: no promise on the hot path.
      if (typeof owner === 'string') {
        admit(req, reply, owner);
        return done();
      }
      owner.then(
        (o) => {
          try {
            admit(req, reply, o);
            done();
          } catch (err) {
            done(err as Error);
          }
        },
        (err: Error) => done(err),
      );
    } catch (err) {
      done(err as Error);
    }
  });
}

export interface RouteInfo {
  method: string;
  url: string;
  public: boolean;
  /** Names the route's JSON schemas declare (body and query string), for tests that probe them. */
  bodyFields: string[];
  queryFields: string[];
}

const collected = new WeakMap<FastifyInstance, RouteInfo[]>();

/** Record every route as it is added (tests enumerate them, so a new route is covered automatically). */
export function collectRoutes(app: FastifyInstance): void {
  const list: RouteInfo[] = [];
  collected.set(app, list);
  app.addHook('onRoute', (r: RouteOptions) => {
    const fields = (schema: unknown) => Object.keys((schema as { properties?: object } | undefined)?.properties ?? {});
    for (const method of [r.method].flat()) list.push({ method, url: r.url, public: r.config?.public === true, bodyFields: fields(r.schema?.body), queryFields: fields(r.schema?.querystring) });
  });
}

/** Every route of an app built by buildApp (HEAD twins of GET routes included). */
export function routesOf(app: FastifyInstance): RouteInfo[] {
  return [...(collected.get(app) ?? [])];
}
