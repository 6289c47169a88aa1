// Deliveries (the docs' "Event Logs"): list by endpoint/session/event/status/attempt time, get with attempts, retry.
import type { DeliveryStatus } from '../../contract/v1.js';
import type { RoutePlugin } from '../context.js';
import { isEventType } from '../../domain/event-types.js';
import { badRequest, unknownEventType } from '../errors.js';
import { toDelivery } from '../store/rows.js';
import { deliveryStatusField, eventTypeField, idFilter, idParams, pageOf, pageQueryProps, toList } from './schemas.js';

interface ListQuery {
  limit?: number;
  starting_after?: string;
  endpoint_id?: string;
  session_id?: string;
  event_id?: string;
  event_type?: string;
  status?: DeliveryStatus;
  attempted_from?: string;
  attempted_to?: string;
}

interface ReportedAttempt {
  status_code: number | null;
  duration_ms: number;
  error?: string | null;
  request_headers?: Record<string, string>;
  response_headers?: Record<string, string>;
  response_body?: string;
}

const headerMap = { type: 'object', maxProperties: 64, additionalProperties: { type: 'string', maxLength: 4096 } } as const;
const reportedAttemptBody = {
  type: 'object',
  additionalProperties: false,
  required: ['status_code', 'duration_ms'],
  properties: {
    status_code: { type: ['integer', 'null'], minimum: 100, maximum: 599 },
    duration_ms: { type: 'number', minimum: 0, maximum: 3_600_000 },
    error: { type: ['string', 'null'], maxLength: 1000 },
    request_headers: headerMap,
    response_headers: headerMap,
    response_body: { type: 'string', maxLength: 1024 * 1024 },
  },
} as const;

const timeFilter = { type: 'string', format: 'date-time', maxLength: 40 } as const;

export const deliveryRoutes: RoutePlugin = (app, ctx) => {
  app.get<{ Querystring: ListQuery }>(
    '/v1/deliveries',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQueryProps, endpoint_id: idFilter, session_id: idFilter, event_id: idFilter, event_type: eventTypeField, status: deliveryStatusField, attempted_from: timeFilter, attempted_to: timeFilter },
        },
      },
    },
    async (req) => {
      const { limit, starting_after, attempted_from, attempted_to, ...filters } = req.query;
      if (filters.event_type !== undefined && !isEventType(filters.event_type)) throw unknownEventType(filters.event_type, 'event_type');
      // Attempt times are stored as toISOString() text: compare in that form, whatever offset was sent.
      const iso = (t: string | undefined, param: string) => {
        if (t === undefined) return undefined;
        const ms = Date.parse(t);
        if (Number.isNaN(ms)) throw badRequest(`Invalid '${param}': '${t}' is not a time (use ISO-8601, e.g. 2025-01-01T10:00:00Z)`, param);
        return new Date(ms).toISOString();
      };
      return toList(await ctx.store.deliveries.list(req.owner, { ...filters, attempted_from: iso(attempted_from, 'attempted_from'), attempted_to: iso(attempted_to, 'attempted_to') }, pageOf({ limit, starting_after })));
    },
  );

  app.get<{ Params: { id: string } }>('/v1/deliveries/:id', { schema: { params: idParams } }, async (req) => ctx.store.deliveries.get(req.owner, req.params.id, true));

  // A replay the CLI made of a listen-session delivery (TUI r/R/e, `events replay`): one more attempt,
  // marked manual, so the CLI, the TUI and the dashboard show one history.
  app.post<{ Params: { id: string }; Body: ReportedAttempt }>('/v1/deliveries/:id/attempts', { schema: { params: idParams, body: reportedAttemptBody } }, async (req, reply) => {
    const b = req.body;
    const d = await ctx.store.deliveries.recordClientAttempt(req.owner, req.params.id, {
      started_at: new Date(Date.now() - b.duration_ms).toISOString(),
      duration_ms: Math.round(b.duration_ms),
      status_code: b.status_code,
      error: b.error ?? null,
      request_headers: b.request_headers ?? {}, // bounded by the schema
      response_headers: b.response_headers ?? {},
      response_body: (b.response_body ?? '').slice(0, 20 * 1024),
      manual: true,
    });
    ctx.bus.emit('delivery.updated', d, req.owner);
    return reply.code(201).send(d);
  });

  app.post<{ Params: { id: string } }>('/v1/deliveries/:id/retry', { schema: { params: idParams } }, async (req) => {
    // Claimed by this node: its engine attempts it at once.
    const claim = await ctx.store.deliveries.retry(req.owner, req.params.id, ctx.engine.leaseMs);
    ctx.engine.enqueue([claim]);
    const d = toDelivery(claim.row);
    ctx.bus.emit('delivery.updated', d, req.owner);
    return d;
  });
};
