// Deliveries (the docs' "Event Logs"): list by endpoint/session/event/status, get with attempts, retry.
import type { DeliveryStatus } from '../../contract/v1.js';
import type { RoutePlugin } from '../context.js';
import { idParams, pageOf, pageQueryProps, toList } from './schemas.js';

const idFilter = { type: 'string', minLength: 1, maxLength: 128 } as const;

interface ListQuery {
  limit?: number;
  starting_after?: string;
  endpoint_id?: string;
  session_id?: string;
  event_id?: string;
  status?: DeliveryStatus;
}

export const deliveryRoutes: RoutePlugin = (app, ctx) => {
  app.get<{ Querystring: ListQuery }>(
    '/v1/deliveries',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQueryProps, endpoint_id: idFilter, session_id: idFilter, event_id: idFilter, status: { type: 'string', enum: ['pending', 'succeeded', 'failed'] } },
        },
      },
    },
    async (req) => {
      const { limit, starting_after, ...filters } = req.query;
      return toList(ctx.deliveries.list(filters, pageOf({ limit, starting_after })));
    },
  );

  app.get<{ Params: { id: string } }>('/v1/deliveries/:id', { schema: { params: idParams } }, async (req) => ctx.deliveries.get(req.params.id, true));

  app.post<{ Params: { id: string } }>('/v1/deliveries/:id/retry', { schema: { params: idParams } }, async (req) => {
    const row = ctx.deliveries.markManualRetry(req.params.id);
    ctx.engine.enqueue([row]);
    return ctx.deliveries.get(row.id, false);
  });
};
