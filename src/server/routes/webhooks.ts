// Webhook endpoints: /v1/webhooks (the docs' "Creating Webhook Endpoints" + "Send Test Event").
import type { Endpoint } from '../../contract/v1.js';
import { isValidPattern, unknownTypeMessage } from '../../domain/event-types.js';
import type { RoutePlugin, ServerContext } from '../context.js';
import { badRequest } from '../errors.js';
import { sampleData } from '../sample-data.js';
import { dataField, eventTypeField, idParams, listQuery, pageOf, toList } from './schemas.js';

const urlField = { type: 'string', minLength: 1, maxLength: 2048 } as const;
const eventsField = { type: 'array', minItems: 1, maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 128 } } as const;
const descriptionField = { type: ['string', 'null'], maxLength: 1000 } as const;

type Id = { Params: { id: string } };

export const webhookRoutes: RoutePlugin = (app, ctx) => {
  const endpoints = ctx.store.endpoints;
  const changed = (owner: string, e: Endpoint & { deleted?: boolean }) => {
    ctx.bus.emit('endpoint.changed', e, owner);
    return e;
  };

  app.post<{ Body: { url: string; events: string[]; description?: string | null } }>(
    '/v1/webhooks',
    { schema: { body: { type: 'object', additionalProperties: false, required: ['url', 'events'], properties: { url: urlField, events: eventsField, description: descriptionField } } } },
    async (req, reply) => {
      const created = await endpoints.create(req.owner, { url: checkUrl(req.body.url), events: checkPatterns(req.body.events), description: req.body.description });
      const { secret: _secret, ...publicView } = created;
      changed(req.owner, publicView);
      return reply.code(201).send(created);
    },
  );

  app.get<{ Querystring: { limit?: number; starting_after?: string } }>('/v1/webhooks', { schema: { querystring: listQuery } }, async (req) => toList(await endpoints.list(req.owner, pageOf(req.query))));

  app.get<Id>('/v1/webhooks/:id', { schema: { params: idParams } }, async (req) => endpoints.get(req.owner, req.params.id));

  app.patch<Id & { Body: { url?: string; events?: string[]; description?: string | null; status?: 'enabled' | 'disabled' } }>(
    '/v1/webhooks/:id',
    {
      schema: {
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: { url: urlField, events: eventsField, description: descriptionField, status: { type: 'string', enum: ['enabled', 'disabled'] } } },
      },
    },
    async (req) => {
      const b = req.body ?? {};
      return changed(req.owner, await endpoints.update(req.owner, req.params.id, { ...b, url: b.url === undefined ? undefined : checkUrl(b.url), events: b.events && checkPatterns(b.events) }));
    },
  );

  app.delete<Id>('/v1/webhooks/:id', { schema: { params: idParams } }, async (req) => {
    changed(req.owner, { ...(await endpoints.delete(req.owner, req.params.id)), deleted: true });
    return { id: req.params.id, object: 'webhook_endpoint', deleted: true };
  });

  app.post<Id>('/v1/webhooks/:id/enable', { schema: { params: idParams } }, async (req) => changed(req.owner, await endpoints.update(req.owner, req.params.id, { status: 'enabled' })));
  app.post<Id>('/v1/webhooks/:id/disable', { schema: { params: idParams } }, async (req) => changed(req.owner, await endpoints.update(req.owner, req.params.id, { status: 'disabled' })));

  app.post<Id>('/v1/webhooks/:id/rotate-secret', { schema: { params: idParams } }, async (req) => {
    const rotated = await endpoints.rotateSecret(req.owner, req.params.id);
    const { secret: _secret, ...publicView } = rotated;
    changed(req.owner, publicView);
    return rotated;
  });

  app.get<Id>('/v1/webhooks/:id/secret', { schema: { params: idParams } }, async (req) => ({ secret: await endpoints.secret(req.owner, req.params.id) }));

  app.post<Id & { Body: { type: string; data?: Record<string, unknown> } }>(
    '/v1/webhooks/:id/test',
    { schema: { params: idParams, body: { type: 'object', additionalProperties: false, required: ['type'], properties: { type: eventTypeField, data: dataField } } } },
    async (req, reply) => reply.code(201).send(await sendTest(ctx, req.owner, req.params.id, req.body)),
  );
};

function sendTest(ctx: ServerContext, owner: string, id: string, body: { type: string; data?: Record<string, unknown> }) {
  return ctx.dispatcher.test(owner, id, { type: body.type, data: body.data ?? sampleData(body.type) });
}

/**
 * http(s) only, absolute, with a host, and exactly as the URL parser reads it: the parser quietly drops
 * surrounding spaces, tabs and newlines and reads `http:evil` as `http://evil/`, so such input is refused
 * rather than stored as something other than what will be called.
 */
export function checkUrl(url: string): string {
  const bad = (why: string) => badRequest(`url must be an absolute http(s) URL like https://app.com/hook${why}, got ${JSON.stringify(url)}`, 'url', 'url_invalid');
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(url)) throw bad(' (no spaces or control characters)');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badRequest(`url must use http or https, got '${u.protocol.replace(/:$/, '')}'`, 'url', 'url_invalid');
  if (!/^https?:\/\/[^/?#\\]/i.test(url) || !u.hostname) throw bad(' (scheme, then //, then the host)');
  return url;
}

/** Exact types, category wildcards or `*`; duplicates dropped, order kept. */
export function checkPatterns(events: string[]): string[] {
  const bad = events.find((p) => !isValidPattern(p));
  if (bad !== undefined) throw badRequest(unknownTypeMessage(bad), 'events', 'event_type_invalid');
  return [...new Set(events)];
}
