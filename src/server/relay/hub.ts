// The websocket side of the relay: authenticates the upgrade (bad key -> HTTP 401 before upgrading,
// unknown session -> 404), keeps one socket per session (a new one replaces the old), wakes sockets
// after events commit, and runs the heartbeat (ping every interval; no pong by the next one =
// terminated). maxPayload caps a client frame at 1 MiB: an oversized frame closes that socket only.
// On shutdown every socket gets 1001 "going away" (listen reconnects and resumes later); a peer that
// does not answer the close within a second is cut, so an open socket never holds the server up.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE } from '../../relay/protocol.js';
import { bearerToken } from '../auth.js';
import { ApiHttpError, notFound, unauthorized } from '../errors.js';
import { rawErrorResponse } from '../http-guards.js';
import type { AckBatcher } from './ack-batcher.js';
import { RelaySocket } from './relay-socket.js';
import type { SessionStore } from './session-store.js';

export const WS_PATH = /^\/v1\/listen-sessions\/([A-Za-z0-9_]+)\/ws\/?(?:\?.*)?$/;
export const MAX_FRAME_BYTES = 1024 * 1024;
/** How long close() waits for clients to answer the close frame before dropping their sockets. */
export const CLOSE_WAIT_MS = 1000;

export interface HubOptions {
  /** The owner a key acts for, or null for a wrong key. */
  ownerOf: (key: string) => string | null;
  /** Throws the API's 421 for a Host outside the allow-list (the HTTP hooks do not run on upgrades). */
  checkHost?: (hostHeader: string | undefined, rawUrl: string) => void;
  heartbeatMs?: number;
  /** Notices for a client that just connected to this session (e.g. an endpoint on its target URL). */
  noticesFor?: (sessionId: string) => string[];
}

export class RelayHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, clientTracking: false });
  private readonly sockets = new Map<string, RelaySocket>();
  private readonly timer: NodeJS.Timeout;
  private closing = false;
  readonly heartbeatMs: number;

  constructor(private readonly sessions: SessionStore, private readonly acks: AckBatcher, private readonly o: HubOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 15_000;
    this.timer = setInterval(() => this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

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
    const owner = key ? this.o.ownerOf(key) : null;
    if (!key || !owner) return rejectUpgrade(socket, unauthorized('Invalid API key: run `propitbox login` or use the key printed by `propitbox dev`'));
    const sessionId = m[1];
    const row = this.sessions.get(sessionId);
    if (!row || row.key_hash !== owner) return rejectUpgrade(socket, notFound('listen session', sessionId));
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, sessionId, key));
    return true;
  }

  /** After an event commits: wake the sockets of the sessions it was appended to. */
  notify(sessionIds: string[]): void {
    for (const id of sessionIds) this.sockets.get(id)?.pump();
  }

  /** Close every socket of this owner (listen secret rotated). */
  revokeOwner(owner: string, reason: string): void {
    for (const s of this.sockets.values()) if (this.o.ownerOf(s.apiKey) === owner) s.close(CLOSE.REVOKED, reason);
  }

  /** Drop a session's socket without a close frame (what a network failure looks like; tests use it). */
  terminate(sessionId: string): boolean {
    const s = this.sockets.get(sessionId);
    s?.ws.terminate();
    return s !== undefined;
  }

  /** Sessions with a client connected right now. */
  connectedIds(): string[] {
    return [...this.sockets.keys()];
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
    clearInterval(this.timer);
    const open = [...this.sockets.values()];
    const closed = open.map((s) => new Promise<void>((r) => (s.ws.readyState === s.ws.CLOSED ? r() : s.ws.once('close', () => r()))));
    for (const s of open) s.close(CLOSE.GOING_AWAY, 'emulator shutting down');
    let t: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((r) => (t = setTimeout(r, waitMs)))]);
    clearTimeout(t);
    for (const s of open) s.ws.terminate(); // no-op once closed
    await new Promise<void>((r) => this.wss.close(() => r()));
  }

  private attach(ws: WebSocket, sessionId: string, apiKey: string): void {
    const prev = this.sockets.get(sessionId);
    if (prev) prev.close(CLOSE.REPLACED, 'another client connected to this listen session');
    const sock = new RelaySocket(ws, sessionId, apiKey, this.sessions, this.acks, this.heartbeatMs);
    this.sockets.set(sessionId, sock);
    this.sessions.setConnected(sessionId, true);
    for (const m of this.o.noticesFor?.(sessionId) ?? []) this.notice(sessionId, 'duplicate_target', m);
    // An oversized or malformed frame surfaces here; it must close this socket, never crash the server.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      if (this.sockets.get(sessionId) !== sock) return;
      this.sockets.delete(sessionId);
      this.sessions.setConnected(sessionId, false);
    });
  }

  private beat(): void {
    for (const s of this.sockets.values()) {
      if (!this.o.ownerOf(s.apiKey)) {
        s.close(CLOSE.REVOKED, 'the API key was revoked');
        continue;
      }
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
