// Deliveries (the docs' "Event Logs"): list by endpoint/session/event/status/attempt time, get with attempts, retry.
import type { DeliveryStatus } from '../../contract/v1.js';
import type { RoutePlugin } from '../context.js';
import { isEventType } from '../../domain/event-types.js';
import { badRequest, unknownEventType } from '../errors.js';
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
      return toList(ctx.deliveries.list({ ...filters, attempted_from: iso(attempted_from, 'attempted_from'), attempted_to: iso(attempted_to, 'attempted_to') }, pageOf({ limit, starting_after })));
    },
  );

  app.get<{ Params: { id: string } }>('/v1/deliveries/:id', { schema: { params: idParams } }, async (req) => ctx.deliveries.get(req.params.id, true));

  app.post<{ Params: { id: string } }>('/v1/deliveries/:id/retry', { schema: { params: idParams } }, async (req) => {
    const row = ctx.deliveries.markManualRetry(req.params.id);
    ctx.engine.enqueue([row]);
    return ctx.deliveries.get(row.id, false);
  });
};
