// GET /v1/stats?window=1h&bucket=1m[&endpoint=we_…|&session=ls_…][&event_type=…]: delivered / retried /
// failed attempts and attempt latency per time bucket, for the dashboard's charts and `propitbox stats`.
import type { Stats, StatsQuery } from '../../contract/stats.js';
import type { RoutePlugin } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { PlanError, planStats } from '../stats-plan.js';
import { eventTypeField } from './schemas.js';

const durationField = { type: 'string', minLength: 1, maxLength: 16 } as const;
const idField = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const statsRoutes: RoutePlugin = (app, ctx) => {
  const store = ctx.store.stats;
  app.get<{ Querystring: StatsQuery }>(
    '/v1/stats',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            window: durationField,
            bucket: durationField,
            endpoint: idField,
            session: idField,
            event_type: eventTypeField,
          },
        },
      },
    },
    async (req): Promise<Stats> => {
      const { window, bucket, endpoint, session, event_type } = req.query;
      // A delivery goes to an endpoint or to a session, never both: the pair would always be empty.
      if (endpoint && session) throw badRequest("Give 'endpoint' or 'session', not both (a delivery goes to one of them)", 'session');
      if (endpoint !== undefined && !endpoint.startsWith('we_')) throw badRequest(`Invalid 'endpoint': '${endpoint}' is not an endpoint id (we_…)`, 'endpoint');
      if (session !== undefined && !session.startsWith('ls_')) throw badRequest(`Invalid 'session': '${session}' is not a listen session id (ls_…)`, 'session');
      // An unknown endpoint is a 404 like GET /v1/webhooks/:id (a typo must not look like a quiet endpoint).
      // Sessions end and are deleted while their deliveries stay, so any ls_ id is accepted.
      if (endpoint !== undefined) await ctx.store.endpoints.get(req.owner, endpoint).catch(() => Promise.reject(notFound('endpoint', endpoint, 'endpoint')));
      let plan;
      try {
        plan = planStats({ window, bucket }, Date.now());
      } catch (err) {
        if (err instanceof PlanError) throw badRequest(err.message, err.param);
        throw err;
      }
      const range = { from: plan.from, bucketMs: plan.bucketMs, buckets: plan.buckets };
      const filters = { endpoint_id: endpoint, session_id: session, event_type };
      const counts = await store.buckets(req.owner, range, filters);
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        object: 'stats',
        window: plan.window,
        bucket: plan.bucket,
        window_ms: plan.windowMs,
        bucket_ms: plan.bucketMs,
        from: iso(plan.from),
        to: iso(plan.to),
        filters: { ...(endpoint ? { endpoint } : {}), ...(session ? { session } : {}), ...(event_type ? { event_type } : {}) },
        buckets: counts.map((c, i) => ({ start: iso(plan.from + i * plan.bucketMs), end: iso(plan.from + (i + 1) * plan.bucketMs), ...c })),
        total: await store.total(req.owner, range, filters),
      };
    },
  );
};
