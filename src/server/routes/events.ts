// Events: create (dispatch to every matching endpoint and listen session), list, get, resend.
import { isEventType } from '../../domain/event-types.js';
import type { RoutePlugin } from '../context.js';
import { badRequest, unknownEventType } from '../errors.js';
import { toPublic } from '../store/events.js';
import { sampleData } from '../sample-data.js';
import { dataField, deliveryStatusField, eventTypeField, idFilter, idParams, pageOf, pageQueryProps, toList } from './schemas.js';

interface ListQuery {
  limit?: number;
  starting_after?: string;
  type?: string;
  event_type?: string; // the same filter under the name GET /v1/deliveries uses
  endpoint_id?: string;
  session_id?: string;
  status?: 'pending' | 'succeeded' | 'failed';
}

interface CreateBody {
  type: string;
  data?: Record<string, unknown>;
  id?: string;
  created?: string;
}

export const eventRoutes: RoutePlugin = (app, ctx) => {
  app.post<{ Body: CreateBody }>(
    '/v1/events',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            type: eventTypeField,
            data: dataField,
            id: { type: 'string', pattern: '^evt_[A-Za-z0-9_]{1,64}$' },
            created: { type: 'string', minLength: 1, maxLength: 64 },
          },
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      // The hot route: its answer is assembled around the stored event body, not serialized again.
      const json = await ctx.dispatcher.createGroupedJson(req.owner, { type: b.type, data: b.data ?? sampleData(b.type), id: b.id, created: b.created });
      return reply.code(201).type('application/json; charset=utf-8').send(json);
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/v1/events',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQueryProps, type: eventTypeField, event_type: eventTypeField, endpoint_id: idFilter, session_id: idFilter, status: deliveryStatusField },
        },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.type && q.event_type && q.type !== q.event_type) throw badRequest('type and event_type are the same filter: pass one', 'event_type');
      // An unknown type would only match nothing: say so, listing the types, as the body does.
      for (const param of ['type', 'event_type'] as const) if (q[param] !== undefined && !isEventType(q[param])) throw unknownEventType(q[param], param);
      return toList(await ctx.store.events.list(req.owner, pageOf(q), q.type ?? q.event_type, { endpoint_id: q.endpoint_id, session_id: q.session_id, status: q.status }));
    },
  );

  app.get<{ Params: { id: string } }>('/v1/events/:id', { schema: { params: idParams } }, async (req) => toPublic(await ctx.store.events.get(req.owner, req.params.id)));

  app.post<{ Params: { id: string }; Body: { endpoint_id?: string } | undefined }>(
    '/v1/events/:id/resend',
    { schema: { params: idParams, body: { type: 'object', additionalProperties: false, properties: { endpoint_id: { type: 'string', minLength: 1, maxLength: 128 } } } } },
    async (req, reply) => reply.code(201).send({ deliveries: await ctx.dispatcher.resend(req.owner, req.params.id, req.body?.endpoint_id) }),
  );
};
