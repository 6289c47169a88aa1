// The websocket side of the relay: authenticates the upgrade (bad key -> HTTP 401 before upgrading,
// unknown session -> 404), takes the session for this node (a new ownership epoch; the socket that
// held it, here or on another node, is closed as replaced), wakes sockets when their log grows (a
// "sessions" notification from any node, plus a poll when several nodes share the store), and runs
// the heartbeat (ping every interval; no pong by the next one = terminated). maxPayload caps a client
// frame at 1 MiB: an oversized frame closes that socket only. On shutdown every socket gets 1001
// "going away" (listen reconnects, through a load balancer to another node, and resumes); a peer that
// does not answer the close within a second is cut, so an open socket never holds the server up.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE } from '../../relay/protocol.js';
import { bearerToken } from '../auth.js';
import { ApiHttpError, notFound, unauthorized } from '../errors.js';
import { rawErrorResponse } from '../http-guards.js';
import type { LogRow, Notifier, SessionRow, SessionsStore } from '../store/store.js';
import type { AckBatcher } from './ack-batcher.js';
import { RelaySocket } from './relay-socket.js';

export const WS_PATH = /^\/v1\/listen-sessions\/([A-Za-z0-9_]+)\/ws\/?(?:\?.*)?$/;
export const MAX_FRAME_BYTES = 1024 * 1024;
/** How long close() waits for clients to answer the close frame before dropping their sockets. */
export const CLOSE_WAIT_MS = 1000;

export interface HubOptions {
  /** The owner a key acts for, or null for a wrong (or revoked) key. */
  ownerOf: (key: string) => Promise<string | null>;
  /** Throws the API's 421 for a Host outside the allow-list (the HTTP hooks do not run on upgrades). */
  checkHost?: (hostHeader: string | undefined, rawUrl: string) => void;
  heartbeatMs?: number;
  /** This node's name (session ownership). */
  node: string;
  /** Read every socket's log this often even without a notification (several nodes); 0 = never. */
  pollMs?: number;
  /** Notices for a client that just connected to this session (e.g. an endpoint on its target URL). */
  noticesFor?: (session: SessionRow) => Promise<string[]>;
  log?: (line: string) => void;
}

export class RelayHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, clientTracking: false });
  private readonly sockets = new Map<string, RelaySocket>();
  private readonly timer: NodeJS.Timeout;
  private readonly poller: NodeJS.Timeout | null = null;
  private closing = false;
  readonly heartbeatMs: number;
  /** Builds the frame of an ingested request's log row (set by the ingest part). */
  ingestFrame: ((row: LogRow) => string) | null = null;
  private readonly log: (line: string) => void;
  private readonly off: () => void;

  constructor(
    private readonly sessions: SessionsStore,
    notifier: Notifier,
    private readonly acks: AckBatcher,
    private readonly o: HubOptions,
  ) {
    this.heartbeatMs = o.heartbeatMs ?? 15_000;
    this.log = o.log ?? (() => undefined);
    this.timer = setInterval(() => this.beat(), this.heartbeatMs);
    this.timer.unref();
    if (o.pollMs) {
      this.poller = setInterval(() => this.notify([...this.sockets.keys()]), o.pollMs);
      this.poller.unref();
    }
    const onSessions = (ids: string[]) => this.notify(ids);
    const onClaimed = (id: string, epoch: number) => {
      const s = this.sockets.get(id);
      if (s && s.epoch < epoch) s.close(CLOSE.REPLACED, 'another client connected to this listen session');
    };
    const onDeleted = (id: string) => this.closeSession(id, CLOSE.SESSION_NOT_FOUND, 'the listen session was deleted');
    const onRotated = (owner: string) => this.revokeOwner(owner, 'the listen signing secret was rotated');
    const onKeys = () => this.checkKeys();
    notifier.on('sessions', onSessions);
    notifier.on('session-claimed', onClaimed);
    notifier.on('session-deleted', onDeleted);
    notifier.on('secret-rotated', onRotated);
    notifier.on('keys', onKeys);
    this.off = () => {
      notifier.off('sessions', onSessions);
      notifier.off('session-claimed', onClaimed);
      notifier.off('session-deleted', onDeleted);
      notifier.off('secret-rotated', onRotated);
      notifier.off('keys', onKeys);
    };
  }

  /** A client is connected to this session on this node. */
  isConnected(sessionId: string): boolean {
    return this.sockets.has(sessionId);
  }

  /** server.on('upgrade') handler; returns false when the path is not ours (someone else may take it). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    // Only the exact path is ours; an encoded or absolute-form variant is someone else's (or a 404).
    const m = WS_PATH.exec(req.url ?? '');
    if (!m) return false;
    if (this.closing) return rejectUpgrade(socket, new ApiHttpError(503, 'api_error', 'shutting_down', 'The server is shutting down: reconnect once it is back'));
    try {
      this.o.checkHost?.(req.headers.host, req.url ?? '/');
    } catch (err) {
      return rejectUpgrade(socket, err as ApiHttpError);
    }
    const key = bearerToken(req.headers.authorization);
    const sessionId = m[1];
    const unavailable = (err: Error) => {
      this.log(`relay: could not open a socket for ${sessionId}: ${err.message}`);
      rejectUpgrade(socket, new ApiHttpError(503, 'api_error', 'store_unavailable', 'The relay cannot reach its database: reconnect shortly'));
    };
    const lookup = async () => {
      const owner = key ? await this.o.ownerOf(key) : null;
      if (!key || !owner) return void rejectUpgrade(socket, unauthorized('Invalid API key: run `propitbox login` or use the key printed by `propitbox dev`'));
      const row = await this.sessions.get(sessionId);
      if (!row || row.owner !== owner) return void rejectUpgrade(socket, notFound('listen session', sessionId));
      if (socket.destroyed || this.closing) return void socket.destroy();
      // Take the session before the upgrade completes: once it does, the client's hello may come at
      // once, and the socket that reads it must exist by then.
      const epoch = await this.sessions.claim(sessionId, this.o.node);
      if (!epoch) return void rejectUpgrade(socket, notFound('listen session', sessionId));
      if (socket.destroyed || this.closing) return void socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, row, key, epoch));
    };
    lookup().catch(unavailable);
    return true;
  }

  /** Wake the sockets of these sessions: their log may have grown. */
  notify(sessionIds: string[]): void {
    for (const id of sessionIds) this.sockets.get(id)?.pump();
  }

  /** Close every socket of this owner (listen secret rotated). */
  revokeOwner(owner: string, reason: string): void {
    for (const s of this.sockets.values()) if (s.session.owner === owner) s.close(CLOSE.REVOKED, reason);
  }

  /** Drop a session's socket without a close frame (what a network failure looks like; tests use it). */
  terminate(sessionId: string): boolean {
    const s = this.sockets.get(sessionId);
    s?.ws.terminate();
    return s !== undefined;
  }

  /** Sockets connected to this node right now. */
  connected(): RelaySocket[] {
    return [...this.sockets.values()];
  }

  /** A `notice` frame to this session's client, if one is connected. */
  notice(sessionId: string, code: string, message: string): void {
    const ws = this.sockets.get(sessionId)?.ws;
    if (ws?.readyState === ws?.OPEN) ws?.send(JSON.stringify({ t: 'notice', code, message }));
  }

  closeSession(id: string, code: number, reason: string): void {
    this.sockets.get(id)?.close(code, reason);
  }

  async close(waitMs = CLOSE_WAIT_MS): Promise<void> {
    this.closing = true;
    this.off();
    clearInterval(this.timer);
    if (this.poller) clearInterval(this.poller);
    const open = [...this.sockets.values()];
    const closed = open.map((s) => new Promise<void>((r) => (s.ws.readyState === s.ws.CLOSED ? r() : s.ws.once('close', () => r()))));
    for (const s of open) s.close(CLOSE.GOING_AWAY, 'emulator shutting down');
    let t: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((r) => (t = setTimeout(r, waitMs)))]);
    clearTimeout(t);
    for (const s of open) s.ws.terminate(); // no-op once closed
    await new Promise<void>((r) => this.wss.close(() => r()));
  }

  private attach(ws: WebSocket, row: SessionRow, apiKey: string, epoch: number): void {
    const sessionId = row.id;
    // An oversized or malformed frame surfaces here; it must close this socket, never crash the server.
    ws.on('error', () => ws.terminate());
    const prev = this.sockets.get(sessionId);
    if (prev) prev.close(CLOSE.REPLACED, 'another client connected to this listen session');
    const sock = new RelaySocket(ws, row, apiKey, epoch, { sessions: this.sessions, acks: this.acks, heartbeatMs: this.heartbeatMs, ingestFrame: () => this.ingestFrame, log: this.log });
    this.sockets.set(sessionId, sock);
    const mark = (connected: boolean) => this.sessions.setConnected([sessionId], connected, this.o.node).catch((err: Error) => this.log(`relay: could not mark ${sessionId} ${connected ? 'connected' : 'idle'}: ${err.message}`));
    void mark(true);
    ws.on('close', () => {
      if (this.sockets.get(sessionId) !== sock) return;
      this.sockets.delete(sessionId);
      void mark(false);
    });
    void this.o.noticesFor?.(row).then(
      (notes) => notes.forEach((m) => this.notice(sessionId, 'duplicate_target', m)),
      () => undefined,
    );
  }

  /** Sockets whose key was revoked (on any node) close at once. */
  private checkKeys(): void {
    for (const s of this.sockets.values()) {
      void this.o.ownerOf(s.apiKey).then((owner) => {
        if (owner !== s.session.owner) s.close(CLOSE.REVOKED, 'the API key was revoked');
      });
    }
  }

  private beat(): void {
    this.checkKeys();
    // Still connected here: on a shared store, a session whose node stops saying so becomes idle.
    const ids = [...this.sockets.keys()];
    if (ids.length) this.sessions.setConnected(ids, true, this.o.node).catch((err: Error) => this.log(`relay: could not refresh sessions: ${err.message}`));
    for (const s of this.sockets.values()) {
      // Silent for two intervals (no pong, no message): a dead peer or a half-open TCP connection.
      if (s.alive) s.missed = 0;
      else if (++s.missed >= 2) {
        s.ws.terminate();
        continue;
      }
      s.alive = false;
      s.ws.ping();
    }
  }
}

/** Answer an upgrade request with a plain HTTP error in the API's shape, then close. */
export function rejectUpgrade(socket: Duplex, e: ApiHttpError): true {
  socket.end(rawErrorResponse(e));
  return true;
}
