// Listen sessions (the CLI's `webhooks listen`): create / list / get / delete, and rotating the listen
// signing secret (one per API key). The websocket itself is served by src/server/relay/hub.ts.
import type { FastifyRequest } from 'fastify';
import type { ListenSession } from '../../contract/v1.js';
import { isoSeconds } from '../../util/ids.js';
import { isValidPattern, unknownTypeMessage } from '../../domain/event-types.js';
import { CLOSE } from '../../relay/protocol.js';
import type { RoutePlugin } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { relayFor } from '../relay/index.js';
import { ingestFor, ingestNeedsSqlite } from '../ingest/index.js';
import { publicBase } from '../ingest/public-base.js';
import type { SessionRow } from '../store/store.js';
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
  const sessions = ctx.store.sessions;
  const owned = async (req: FastifyRequest, id: string): Promise<SessionRow> => {
    const row = await sessions.get(id);
    if (!row || row.owner !== req.owner) throw notFound('listen session', id);
    return row;
  };
  const show = async (req: FastifyRequest, row: SessionRow): Promise<ListenSession> => ({
    object: 'listen_session',
    id: row.id,
    label: row.label,
    events: row.events,
    ws_url: `${wsBase(req)}/v1/listen-sessions/${row.id}/ws`,
    secret: await sessions.secret(row.owner),
    created: row.created,
    last_seq: row.last_seq,
    acked_seq: row.acked_seq,
    connected: row.connected || relay.hub.isConnected(row.id),
    durable: row.durable,
    targets: row.targets,
    expires_at: row.expires_at === null || relay.hub.isConnected(row.id) ? null : isoSeconds(row.expires_at),
  });

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
      const input = { events, label: b.label ?? null, sinceSec: b.since, durable: b.durable, targets: b.targets };
      let row: SessionRow;
      if (b.ingest_channels?.length) {
        // Ingest URLs live in the SQLite store: the subscription and the channel's backlog are written
        // in the session's own transaction there.
        if (!ctx.sqlite) throw ingestNeedsSqlite();
        const within = ingestFor(ctx, app).subscriber(req.owner, b.ingest_channels, b.since);
        const id = ctx.sqlite.sessionStore.create(req.owner, { ...input, eventsOwner: req.owner }, within).id;
        row = (await sessions.get(id))!;
        relay.hub.notify([id]);
      } else row = await sessions.create(req.owner, input);
      return reply.code(201).send(await show(req, row));
    },
  );

  // Not paginated (a key has a handful): an unknown parameter such as `limit` is a 400, not ignored.
  app.get('/v1/listen-sessions', { schema: { querystring: { type: 'object', additionalProperties: false } } }, async (req) => ({
    object: 'list',
    data: await Promise.all((await sessions.list(req.owner)).map((r) => show(req, r))),
    has_more: false,
  }));

  app.get<{ Params: { id: string } }>('/v1/listen-sessions/:id', { schema: { params: idParams } }, async (req) => show(req, await owned(req, req.params.id)));

  app.delete<{ Params: { id: string } }>('/v1/listen-sessions/:id', { schema: { params: idParams } }, async (req) => {
    const row = await owned(req, req.params.id);
    await relay.acks.flush(); // acks that arrived just before the close are outcomes, not drops
    // Its socket, on whichever node, closes on the store's 'session-deleted' notification.
    await sessions.delete(req.owner, row.id);
    relay.hub.closeSession(row.id, CLOSE.SESSION_NOT_FOUND, 'the listen session was deleted');
    return { id: row.id, object: 'listen_session', deleted: true };
  });

  // The key's listen signing secret without opening a session (`listen --print-secret`, `--write-env`).
  app.get('/v1/listen-secret', async (req) => ({ secret: await sessions.secret(req.owner) }));

  // Every socket of the key, on every node, closes on the store's 'secret-rotated' notification.
  app.post('/v1/listen-secret/rotate', async (req) => ({ secret: await sessions.rotateSecret(req.owner) }));
};
