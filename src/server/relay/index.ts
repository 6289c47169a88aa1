// The emulator's listen relay, one per emulator: websocket hub + ack batcher over the store's listen
// sessions, created on first use by the listen-sessions route plugin (so the emulator wires it with its
// one plugin line) and hooked onto the HTTP server's 'upgrade' event. The store appends to session logs
// inside each event's transaction and notifies after commit; the hub wakes the sockets it holds.
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { env } from '../../util/env.js';
import { routeNotFound } from '../error-handler.js';
import { sessionGraceMs } from '../store/limits.js';
import { AckBatcher } from './ack-batcher.js';
import { duplicateNotices, watchDuplicateTargets } from './duplicate-targets.js';
import { RelayHub, rejectUpgrade } from './hub.js';

export { sessionGraceMs } from '../store/limits.js';

export interface Relay {
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

/** On a store shared by several nodes, sockets read their logs this often even without a notification. */
const SHARED_POLL_MS = 1_500;

export function relayFor(ctx: ServerContext, app: FastifyInstance): Relay {
  const existing = relays.get(ctx);
  if (existing) return existing;
  const store = ctx.store;
  const acks = new AckBatcher(store.sessions, (err) => {
    ctx.storage.failed(err);
    ctx.log(`relay: could not record acks: ${err.message}`);
  });
  const hub = new RelayHub(store.sessions, store.notifier, acks, {
    ownerOf: async (k) => ctx.auth.ownerOf(k),
    checkHost: (h, u) => ctx.hosts.check(h, u),
    heartbeatMs: relayHeartbeatMs(),
    node: store.node,
    pollMs: store.kind === 'postgres' ? SHARED_POLL_MS : 0,
    noticesFor: (row) => duplicateNotices(store.endpoints, row),
    log: ctx.log,
  });
  const unwatch = watchDuplicateTargets(ctx.bus, hub);
  const graceMs = sessionGraceMs();
  // Log expiry and idle sessions: on PostgreSQL one node at a time does it; deleted sessions' sockets
  // close on every node by notification.
  const sweep = () => void store.retention(Date.now()).catch((err: Error) => ctx.log(`relay: retention: ${err.message}`));
  const expiry = setInterval(sweep, Math.min(60_000, Math.max(50, Math.round(graceMs / 4))));
  expiry.unref();
  const server = app.server;
  const onUpgrade = (req: Parameters<RelayHub['handleUpgrade']>[0], socket: Parameters<RelayHub['handleUpgrade']>[1], head: Buffer) => {
    // Nobody else takes upgrades: answer in the API's shape rather than dropping the connection.
    if (!hub.handleUpgrade(req, socket, head) && server.listenerCount('upgrade') === 1) rejectUpgrade(socket, routeNotFound(req.method ?? 'GET', req.url ?? '/'));
  };
  server.on('upgrade', onUpgrade);
  const relay: Relay = {
    hub,
    acks,
    graceMs,
    async close() {
      clearInterval(expiry);
      unwatch();
      server.off('upgrade', onUpgrade);
      await hub.close();
      await acks.flush();
    },
  };
  relays.set(ctx, relay);
  return relay;
}
