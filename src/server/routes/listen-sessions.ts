// Listen sessions (the CLI's `webhooks listen`): create / list / get / delete, and rotating the listen
// signing secret (one per API key). The websocket itself is served by src/server/relay/hub.ts.
import type { FastifyRequest } from 'fastify';
import { isValidPattern, unknownTypeMessage } from '../../domain/event-types.js';
import { CLOSE } from '../../relay/protocol.js';
import type { RoutePlugin } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { relayFor } from '../relay/index.js';
import { ingestFor } from '../ingest/index.js';
import { publicBase } from '../ingest/public-base.js';
import type { SessionRow } from '../relay/session-store.js';
import { idParams } from './schemas.js';

interface CreateBody {
  events?: string[];
  label?: string;
  since?: number;
  ingest_channels?: string[];
  durable?: boolean;
  targets?: string[];
}

/** Max `since`: the log keeps 24 h of events for an absent client; history catch-up may reach back 7 days. */
const MAX_SINCE_SEC = 7 * 24 * 3600;

export const listenSessionRoutes: RoutePlugin = (app, ctx) => {
  const relay = relayFor(ctx, app);
  // preClose: the relay's sockets must be closed before the server waits for its connections to end.
  app.addHook('preClose', async () => relay.close());
  // ws:// on the host the client used, so a client behind a proxy or port forward reconnects the same way.
  const wsBase = (req: FastifyRequest) => publicBase(req, ctx).replace(/^http/, 'ws');
  const owned = (req: FastifyRequest, id: string): SessionRow => {
    const row = relay.sessions.get(id);
    if (!row || row.key_hash !== req.owner) throw notFound('listen session', id);
    return row;
  };
  const show = (req: FastifyRequest, row: SessionRow) => relay.sessions.toApi(row, wsBase(req), relay.hub.isConnected(row.id), relay.graceMs);

  app.post<{ Body: CreateBody | undefined }>(
    '/v1/listen-sessions',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            events: { type: 'array', maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 128 } },
            label: { type: 'string', maxLength: 200 },
            since: { type: 'integer', minimum: 0, maximum: MAX_SINCE_SEC },
            ingest_channels: { type: 'array', maxItems: 16, items: { type: 'string', minLength: 1, maxLength: 128 } },
            durable: { type: 'boolean' },
            targets: { type: 'array', maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 2048 } },
          },
        },
      },
    },
    async (req, reply) => {
      const b = req.body ?? {};
      // A session for ingest channels receives events only when it names them.
      const events = b.events?.length || b.ingest_channels?.length ? (b.events ?? []) : ['*'];
      for (const p of events) if (!isValidPattern(p)) throw badRequest(unknownTypeMessage(p), 'events');
      const within = b.ingest_channels?.length ? ingestFor(ctx, app).subscriber(req.owner, b.ingest_channels, b.since) : undefined;
      const row = relay.sessions.create(req.owner, { events, label: b.label ?? null, sinceSec: b.since, durable: b.durable, targets: b.targets }, within);
      if (b.since || within) relay.hub.notify([row.id]);
      return reply.code(201).send(show(req, row));
    },
  );

  // Not paginated (a key has a handful): an unknown parameter such as `limit` is a 400, not ignored.
  app.get('/v1/listen-sessions', { schema: { querystring: { type: 'object', additionalProperties: false } } }, async (req) => ({ object: 'list', data: relay.sessions.list(req.owner).map((r) => show(req, r)), has_more: false }));

  app.get<{ Params: { id: string } }>('/v1/listen-sessions/:id', { schema: { params: idParams } }, async (req) => show(req, owned(req, req.params.id)));

  app.delete<{ Params: { id: string } }>('/v1/listen-sessions/:id', { schema: { params: idParams } }, async (req) => {
    const row = owned(req, req.params.id);
    relay.acks.flush(); // acks that arrived just before the close are outcomes, not drops
    relay.sessions.delete(row.id);
    relay.hub.closeSession(row.id, CLOSE.SESSION_NOT_FOUND, 'the listen session was deleted');
    return { id: row.id, object: 'listen_session', deleted: true };
  });

  // The key's listen signing secret without opening a session (`listen --print-secret`, `--write-env`).
  app.get('/v1/listen-secret', async (req) => ({ secret: relay.sessions.secretFor(req.owner) }));

  app.post('/v1/listen-secret/rotate', async (req) => {
    const hash = req.owner;
    const secret = relay.sessions.rotateSecret(hash);
    relay.hub.revokeOwner(hash, 'the listen signing secret was rotated');
    return { secret };
  });
};
