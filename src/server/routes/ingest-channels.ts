// Ingest channels under the API key: create / list / get / update / delete, rotate the URL, and read
// what was received (list without bodies; one request with its header pairs and body as base64).
// Channels and requests belong to the key that made them: another key gets 404.
import type { FastifyRequest } from 'fastify';
import type { IngestChannelInput } from '../../contract/ingest.js';
import type { RoutePlugin } from '../context.js';
import { ingestFor } from '../ingest/index.js';
import { publicBase } from '../ingest/public-base.js';
import { toApiChannel, WAIT_TIMEOUT_MAX_MS, type ChannelRow } from '../store/ingest-channels.js';
import { idParams, listQuery } from './schemas.js';

const channelBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    description: { type: ['string', 'null'], maxLength: 1000 },
    response: {
      type: 'object',
      additionalProperties: false,
      properties: {
        status: { type: 'integer', minimum: 200, maximum: 299 },
        body: { type: ['string', 'null'], maxLength: 65536 },
        content_type: { type: ['string', 'null'], minLength: 1, maxLength: 200 },
      },
    },
    wait_for_response: { type: 'boolean' },
    wait_timeout_ms: { type: 'integer', minimum: 100, maximum: WAIT_TIMEOUT_MAX_MS },
    rate_limit_per_second: { type: 'integer', minimum: 1, maximum: 100_000 },
    rate_limit_burst: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  },
} as const;

type Id = { Params: { id: string } };
type Page = { Querystring: { limit?: number; starting_after?: string } };

export const ingestChannelRoutes: RoutePlugin = (app, ctx) => {
  const ingest = ingestFor(ctx, app);
  const show = (req: FastifyRequest, row: ChannelRow) => toApiChannel(row, publicBase(req, ctx));

  app.post<{ Body: IngestChannelInput | undefined }>('/v1/ingest-channels', { schema: { body: channelBody } }, async (req, reply) =>
    reply.code(201).send(show(req, ingest.channels.create(req.owner, req.body ?? {}))),
  );

  app.get<Page>('/v1/ingest-channels', { schema: { querystring: listQuery } }, async (req) => {
    const page = ingest.channels.list(req.owner, req.query.limit ?? 20, req.query.starting_after);
    return { object: 'list', data: page.rows.map((r) => show(req, r)), has_more: page.has_more };
  });

  app.get<Id>('/v1/ingest-channels/:id', { schema: { params: idParams } }, async (req) => show(req, ingest.channels.owned(req.owner, req.params.id)));

  app.patch<Id & { Body: IngestChannelInput | undefined }>('/v1/ingest-channels/:id', { schema: { params: idParams, body: channelBody } }, async (req) =>
    show(req, ingest.channels.update(req.owner, req.params.id, req.body ?? {})),
  );

  app.delete<Id>('/v1/ingest-channels/:id', { schema: { params: idParams } }, async (req) => {
    ingest.deleteChannel(req.owner, req.params.id);
    return { id: req.params.id, object: 'ingest_channel', deleted: true };
  });

  app.post<Id>('/v1/ingest-channels/:id/rotate-url', { schema: { params: idParams } }, async (req) => show(req, ingest.channels.rotate(req.owner, req.params.id)));

  app.get<Id & Page>('/v1/ingest-channels/:id/requests', { schema: { params: idParams, querystring: listQuery } }, async (req) => {
    const channel = ingest.channels.owned(req.owner, req.params.id);
    const page = ingest.requests.list(channel.id, req.query.limit ?? 20, req.query.starting_after);
    return { object: 'list', data: page.rows, has_more: page.has_more };
  });

  app.get<Id>('/v1/ingest-requests/:id', { schema: { params: idParams } }, async (req) => ingest.requests.owned(req.owner, req.params.id));
};
