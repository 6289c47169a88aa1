// The emulator's listen relay, one per emulator: session store + dispatcher sink + websocket hub +
// ack batcher, created on first use by the listen-sessions route plugin (so the emulator wires it with
// its one plugin line) and hooked onto the HTTP server's 'upgrade' event.
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { env } from '../../util/env.js';
import { AckBatcher } from './ack-batcher.js';
import { duplicateNotices, watchDuplicateTargets } from './duplicate-targets.js';
import { RelayHub, rejectUpgrade } from './hub.js';
import { routeNotFound } from '../error-handler.js';
import { SessionStore } from './session-store.js';

export interface Relay {
  sessions: SessionStore;
  hub: RelayHub;
  acks: AckBatcher;
  /** How long a non-durable session may have no client before it is deleted. */
  graceMs: number;
  close(): Promise<void>;
}

const relays = new WeakMap<ServerContext, Relay>();

/** Heartbeat interval of relay sockets: PROPITBOX_RELAY_HEARTBEAT_MS (tests shorten it), default 15 s. */
export function relayHeartbeatMs(): number {
  const v = Number(env('PROPITBOX_RELAY_HEARTBEAT_MS'));
  return Number.isFinite(v) && v >= 50 ? v : 15_000;
}

/**
 * Idle grace of listen sessions that are not durable: PROPITBOX_SESSION_GRACE_MS (tests shorten it),
 * default 5 min, long enough for a laptop that slept or a listen restarted by hand to catch up.
 */
export function sessionGraceMs(): number {
  const v = Number(env('PROPITBOX_SESSION_GRACE_MS'));
  return Number.isFinite(v) && v >= 100 ? v : 5 * 60_000;
}

export function relayFor(ctx: ServerContext, app: FastifyInstance): Relay {
  const existing = relays.get(ctx);
  if (existing) return existing;
  // The store appends to session logs inside each event's transaction and says which grew after commit.
  const sessions = ctx.sqlite.sessionStore;
  const acks = new AckBatcher(ctx.db, ctx.sqlite.deliveryStore, sessions, (err) => {
    ctx.storage.failed(err);
    ctx.log(`relay: could not record acks: ${err.message}`);
  });
  const hub = new RelayHub(sessions, acks, { ownerOf: (k) => ctx.auth.ownerOf(k), checkHost: (h, u) => ctx.hosts.check(h, u), heartbeatMs: relayHeartbeatMs(), noticesFor: (id) => duplicateNotices(sessions, ctx.sqlite.endpointStore, id) });
  const unwatch = watchDuplicateTargets(ctx.bus, sessions, hub);
  const wake = (ids: string[]) => hub.notify(ids);
  ctx.store.notifier.on('sessions', wake);
  const unregister = () => ctx.store.notifier.off('sessions', wake);
  const graceMs = sessionGraceMs();
  const sweep = () => {
    sessions.expire();
    sessions.expireIdle(graceMs);
  };
  const expiry = setInterval(sweep, Math.min(60_000, Math.max(50, Math.round(graceMs / 4))));
  expiry.unref();
  const server = app.server;
  const onUpgrade = (req: Parameters<RelayHub['handleUpgrade']>[0], socket: Parameters<RelayHub['handleUpgrade']>[1], head: Buffer) => {
    // Nobody else takes upgrades: answer in the API's shape rather than dropping the connection.
    if (!hub.handleUpgrade(req, socket, head) && server.listenerCount('upgrade') === 1) rejectUpgrade(socket, routeNotFound(req.method ?? 'GET', req.url ?? '/'));
  };
  server.on('upgrade', onUpgrade);
  const relay: Relay = {
    sessions,
    hub,
    acks,
    graceMs,
    // Runs before the HTTP server waits for its connections (an upgraded socket would hold it open).
    async close() {
      clearInterval(expiry);
      unregister();
      unwatch();
      await hub.close();
      server.off('upgrade', onUpgrade);
      acks.flush(); // the acks that came in while the sockets were closing too
    },
  };
  relays.set(ctx, relay);
  return relay;
}
