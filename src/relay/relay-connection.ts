// The websocket transport of a listen session (stripe-cli pkg/websocket, wrangler tail): dial, hello
// with the last acknowledged seq, welcome, events in, acks out. It owns reconnecting (pure policy in
// reconnect-policy.ts), the client-side heartbeat (no pong/ping/message for 2 intervals = dead, which
// also catches a laptop that slept) and the intentional-close flag. It never prints: it reports
// connection states and messages through callbacks.
import WebSocket from 'ws';
import type { ConnectionState } from './listen-events.js';
import { CLOSE, PROTOCOL_VERSION, parseMessage, type AckMsg, type EventMsg, type IngestMsg, type ServerMsg, type WelcomeMsg } from './protocol.js';
import { corkForTick } from './cork.js';
import { DEFAULT_RECONNECT, nextDelay, type ReconnectPolicy } from './reconnect-policy.js';

// Acks wait up to ACK_DELAY_MS, or until a quarter of the credit window is pending, whichever is first:
// each flush is a write that wakes the server, which at a few hundred events a second costs more than
// the events. The window asked for is large enough that pending acks never stall the stream.
const ACK_DELAY_MS = 20;
const WINDOW = 256;

export interface RelayConnectionOptions {
  apiKey: string;
  wsUrl: () => string;
  /** Highest seq below which everything was acknowledged (null = let the server decide). */
  lastAckedSeq: () => number | null;
  onState: (s: ConnectionState) => void;
  onWelcome: (w: WelcomeMsg) => void;
  onEvent: (e: EventMsg) => void;
  /** A raw request from an ingest URL (sessions created with ingest channels). */
  onIngest?: (m: IngestMsg) => void;
  /** The server says the session no longer exists: make a new one (wsUrl() then points at it). */
  onSessionGone: (reason: string) => Promise<void>;
  /** Something to tell the user that does not stop the session (a server `notice`). */
  onNotice?: (message: string) => void;
  /** Unrecoverable (bad key, revoked, replaced): the session should stop. */
  onFatal: (message: string) => void;
  window?: number;
  client?: string;
  policy?: ReconnectPolicy;
  random?: () => number;
  /** Heartbeat until the server's welcome says otherwise. */
  heartbeatMs?: number;
  /** A connection open this long (or one that delivered an event) resets the backoff. */
  stableMs?: number;
}

export class RelayConnection {
  private ws: WebSocket | null = null;
  private intentional = false;
  private attempt = 0;
  private lostAt: number | null = null;
  private openedAt = 0;
  private progressed = false;
  private lastSeen = 0;
  private heartbeatMs: number;
  private heartbeat: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closeReason = '';
  private closed: Promise<void> = Promise.resolve();
  private acks: string[] = [];
  private ackTimer: NodeJS.Timeout | null = null;
  private ackBatch = 16; // until the welcome says which window the server granted

  constructor(private readonly o: RelayConnectionOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 15_000;
  }

  start(): void {
    this.connect();
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /**
   * Queue an ack. Acks are written in small batches (every few ms, one syscall) because they are off the
   * forwarding path and the server's credit window is far larger than one batch. Acks that cannot be
   * written (disconnected) are dropped on purpose: the server re-sends unacknowledged events.
   * A string is an ack already serialized (the session keeps acks in that form to re-send them).
   */
  send(msg: AckMsg | string): void {
    this.acks.push(typeof msg === 'string' ? msg : JSON.stringify(msg));
    if (this.acks.length >= this.ackBatch) this.flushAcks();
    else this.ackTimer ??= setTimeout(() => this.flushAcks(), ACK_DELAY_MS);
  }

  private flushAcks(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    const batch = this.acks;
    this.acks = [];
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || !batch.length) return;
    corkForTick(ws);
    for (const a of batch) ws.send(a);
  }

  async close(): Promise<void> {
    this.flushAcks();
    this.intentional = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const t = setTimeout(() => ws.terminate(), 2_000);
      ws.close(CLOSE.NORMAL, 'client closing');
      await this.closed;
      clearTimeout(t);
    }
    this.o.onState({ state: 'closed', reason: 'stopped' });
  }

  private connect(): void {
    if (this.intentional) return;
    this.o.onState({ state: 'connecting', attempt: this.attempt + 1 });
    this.closeReason = '';
    this.progressed = false;
    let settled = false;
    const ws = new WebSocket(this.o.wsUrl(), {
      headers: { authorization: `Bearer ${this.o.apiKey}` },
      maxPayload: 128 * 1024 * 1024, // an ingested body of up to 64 MiB, as base64
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
      // The server is ours and sends JSON text; decoding (toString) happens anyway, validating first doubles it.
      skipUTF8Validation: true,
    });
    this.ws = ws;
    let resolveClosed!: () => void;
    this.closed = new Promise((r) => (resolveClosed = r));
    // One place decides what a finished socket means, whichever of these events comes first.
    const finish = (what: () => void) => {
      if (settled) return;
      settled = true;
      this.stopHeartbeat();
      resolveClosed();
      what();
    };
    ws.on('unexpected-response', (req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      req.destroy();
      finish(() => {
        if (status === 401) this.o.onFatal('The API rejected the API key for the listen websocket (401): run `propitbox login` or use the key printed by `propitbox dev`');
        else if (status === 404) this.sessionGone('the server no longer knows this session (404)');
        else this.retry(`server answered HTTP ${status}`);
      });
    });
    ws.on('open', () => {
      this.openedAt = Date.now();
      this.lastSeen = Date.now();
      const hello = { t: 'hello', v: PROTOCOL_VERSION, last_seq: this.o.lastAckedSeq(), window: this.o.window ?? WINDOW, client: this.o.client };
      ws.send(JSON.stringify(hello));
      this.startHeartbeat(ws);
    });
    ws.on('message', (data) => {
      this.lastSeen = Date.now();
      const msg = parseMessage<ServerMsg>(data.toString());
      if (!msg) return;
      if (msg.t === 'event') {
        this.progressed = true;
        this.o.onEvent(msg);
      } else if (msg.t === 'ingest') {
        this.progressed = true;
        this.o.onIngest?.(msg);
      } else if (msg.t === 'welcome') {
        this.ackBatch = Math.max(1, Math.floor((msg.window || 1) / 4));
        if (msg.heartbeat_ms > 0 && msg.heartbeat_ms !== this.heartbeatMs) {
          this.heartbeatMs = msg.heartbeat_ms;
          this.startHeartbeat(ws);
        }
        this.o.onWelcome(msg);
        this.o.onState({ state: 'ready', sessionId: msg.session_id });
      } else if (msg.t === 'error') {
        this.closeReason = msg.message;
      } else if (msg.t === 'notice') {
        this.o.onNotice?.(msg.message);
      }
    });
    ws.on('ping', () => (this.lastSeen = Date.now()));
    ws.on('pong', () => (this.lastSeen = Date.now()));
    ws.on('error', (err) => {
      if (!this.closeReason) this.closeReason = (err as { code?: string }).code ?? err.message;
    });
    ws.on('close', (code, reasonBuf) => {
      const reason = this.closeReason || reasonBuf.toString() || `closed (${code})`;
      const stable = this.progressed || (this.openedAt > 0 && Date.now() - this.openedAt >= (this.o.stableMs ?? 3_000));
      if (stable) {
        this.attempt = 0;
        this.lostAt = null;
      }
      this.openedAt = 0;
      finish(() => {
        if (this.intentional) return;
        if (code === CLOSE.REVOKED || code === CLOSE.UNAUTHORIZED) this.o.onFatal(`The relay closed the session: ${reason}. Restart \`propitbox webhooks listen\` (and update PROPITBOX_WEBHOOK_SECRET if the secret was rotated)`);
        else if (code === CLOSE.REPLACED) this.o.onFatal(`Another client took over this listen session (${reason})`);
        else if (code === CLOSE.SESSION_NOT_FOUND) this.sessionGone(reason);
        else this.retry(reason);
      });
    });
  }

  private sessionGone(reason: string): void {
    if (this.intentional) return;
    this.o.onSessionGone(reason).then(
      () => {
        this.attempt = 0;
        this.connect();
      },
      (err: Error) => this.retry(`could not re-create the session: ${err.message}`),
    );
  }

  private retry(reason: string): void {
    if (this.intentional) return;
    this.lostAt ??= Date.now();
    const inMs = nextDelay({ attempt: this.attempt, elapsedMs: Date.now() - this.lostAt, random: (this.o.random ?? Math.random)() }, this.o.policy ?? DEFAULT_RECONNECT);
    if (inMs === null) return this.o.onFatal(`Gave up reconnecting to the relay: ${reason}`);
    this.attempt++;
    this.o.onState({ state: 'reconnecting', attempt: this.attempt, inMs, reason });
    this.retryTimer = setTimeout(() => this.connect(), inMs);
  }

  private startHeartbeat(ws: WebSocket): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      // Timers freeze while a laptop sleeps: on wake the silence is long and the socket is replaced.
      if (Date.now() - this.lastSeen > 2 * this.heartbeatMs) {
        this.closeReason = `no heartbeat from the relay for ${Math.round((Date.now() - this.lastSeen) / 1000)} s`;
        ws.terminate();
        return;
      }
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, this.heartbeatMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
