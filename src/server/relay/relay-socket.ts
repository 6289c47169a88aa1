// One client connection to one listen session, held under an ownership epoch: hello -> welcome, then
// the session's log in seq order with a credit window (at most `window` unacknowledged) and
// back-pressure (no writes while the socket's buffer is over 1 MiB). Acks free credit and go to the
// batcher with this socket's epoch, so a socket that lost the session cannot move its cursor.
import WebSocket from 'ws';
import { CLOSE, PROTOCOL_VERSION, parseMessage, type AckMsg, type AttemptMsg, type ClientMsg, type HelloMsg } from '../../relay/protocol.js';
import { corkForTick } from '../../relay/cork.js';
import { INGEST_ID_PREFIX } from '../store/rows.js';
import type { LogRow, SessionRow, SessionsStore } from '../store/store.js';
import type { AckBatcher } from './ack-batcher.js';

export const DEFAULT_WINDOW = 64;
export const MAX_WINDOW = 1024;
const HIGH_WATER = 1024 * 1024;
/** Unacknowledged bytes per socket (ingested bodies reach 10 MiB): beyond it, wait for acks (one frame always goes). */
export const MAX_INFLIGHT_BYTES = 32 * 1024 * 1024;


interface Inflight {
  deliveryId: string;
  eventId: string;
  bytes: number;
}

export interface SocketDeps {
  sessions: SessionsStore;
  acks: AckBatcher;
  heartbeatMs: number;
  /** The frame of an ingested request's log row (set by the ingest part), or null. */
  ingestFrame: () => ((row: LogRow) => string) | null;
  log: (line: string) => void;
}

export class RelaySocket {
  alive = true;
  missed = 0;
  private welcomed = false;
  private window = DEFAULT_WINDOW;
  private sentUpTo = 0;
  private readonly inflight = new Map<number, Inflight>();
  private inflightBytes = 0;
  private waitingForDrain = false;
  private pumping = false;
  private again = false;

  constructor(
    readonly ws: WebSocket,
    readonly session: SessionRow,
    readonly apiKey: string,
    readonly epoch: number,
    private readonly d: SocketDeps,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : data.toString()));
    ws.on('pong', () => (this.alive = true));
    ws.on('ping', () => (this.alive = true));
  }

  get sessionId(): string {
    return this.session.id;
  }

  /** New rows may be in this session's log: send what the window allows (one read loop at a time). */
  pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (!this.welcomed || this.waitingForDrain || this.ws.readyState !== WebSocket.OPEN) return;
    this.pumping = true;
    // Once per event: one then() with handlers bound once, not catch().finally() and two closures.
    this.send().then(this.pumped, this.pumpFailed);
  }

  private readonly pumped = (): void => {
    this.pumping = false;
    if (this.again) {
      this.again = false;
      this.pump();
    }
  };

  private readonly pumpFailed = (err: Error): void => {
    this.d.log(`relay: could not read the log of ${this.sessionId}: ${err.message}`);
    this.pumped();
  };

  private async send(): Promise<void> {
    while (this.inflight.size < this.window && this.inflightBytes < MAX_INFLIGHT_BYTES) {
      if (this.ws.bufferedAmount > HIGH_WATER) return this.waitForDrain();
      const asked = this.window - this.inflight.size;
      const rows = await this.d.sessions.read(this.sessionId, this.sentUpTo, asked);
      if (!rows.length || this.ws.readyState !== WebSocket.OPEN) return;
      corkForTick(this.ws);
      for (const r of rows) {
        if (r.seq <= this.sentUpTo) continue;
        const frame = this.frame(r);
        this.inflight.set(r.seq, { deliveryId: r.delivery_id, eventId: r.event_id, bytes: frame.length });
        this.inflightBytes += frame.length;
        this.sentUpTo = r.seq;
        this.ws.send(frame);
        // Large ingested bodies: stop at the byte budget or a full buffer, not after the whole batch.
        if (this.inflightBytes >= MAX_INFLIGHT_BYTES) return;
        if (this.ws.bufferedAmount > HIGH_WATER) return this.waitForDrain();
      }
      // Fewer rows than asked for: the log has nothing newer now (the next append pumps again).
      if (rows.length < asked) return;
    }
  }

  private frame(r: LogRow): string {
    const ingest = r.event_id.startsWith(INGEST_ID_PREFIX) ? this.d.ingestFrame() : null;
    if (ingest) return ingest(r);
    return `{"t":"event","seq":${r.seq},"id":${JSON.stringify(r.event_id)},"type":${JSON.stringify(r.type)},"created":${JSON.stringify(r.created)},"delivery_id":${JSON.stringify(r.delivery_id)},"body":${JSON.stringify(r.body)}}`;
  }

  private waitForDrain(): void {
    this.waitingForDrain = true;
    // The send callback runs once this frame is flushed to the socket: resume from there.
    this.ws.ping(undefined, undefined, () => {
      this.waitingForDrain = false;
      this.pump();
    });
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ t: 'error', code: code === CLOSE.REVOKED ? 'revoked' : code === CLOSE.SESSION_NOT_FOUND ? 'session_not_found' : 'closed', message: reason }));
      this.ws.close(code, reason.slice(0, 120));
    } else this.ws.terminate();
  }

  private onMessage(raw: string): void {
    this.alive = true;
    const msg = parseMessage<ClientMsg>(raw);
    if (!msg) return this.close(CLOSE.BAD_MESSAGE, 'frames must be JSON text with a "t" field');
    if (msg.t === 'hello') void this.onHello(msg);
    else if (msg.t === 'ack') this.onAck(msg);
    else if (msg.t === 'attempt') this.onAttempt(msg);
    // Unknown types are ignored so either side can grow the protocol.
  }

  private hello = false;

  private async onHello(h: HelloMsg): Promise<void> {
    if (this.hello) return;
    this.hello = true;
    // A window of "abc" once became NaN and stalled the session for good: a bad hello is a protocol error.
    const bad = helloProblem(h);
    if (bad) return this.close(CLOSE.BAD_MESSAGE, `bad hello: ${bad}`);
    let row: SessionRow | undefined;
    try {
      row = await this.d.sessions.get(this.sessionId);
    } catch (err) {
      this.d.log(`relay: could not read session ${this.sessionId}: ${(err as Error).message}`);
      return this.close(CLOSE.GOING_AWAY, 'the relay cannot reach its database: reconnect shortly');
    }
    if (!row) return this.close(CLOSE.SESSION_NOT_FOUND, 'the listen session was deleted');
    const acked = row.acked_seq;
    // Never skip what the server has not seen acknowledged: a lower cursor only costs re-sends the client re-acks.
    const resumeAfter = typeof h.last_seq === 'number' && h.last_seq >= 0 ? Math.min(h.last_seq, acked) : acked;
    this.window = Math.min(MAX_WINDOW, h.window ?? DEFAULT_WINDOW);
    this.sentUpTo = resumeAfter;
    this.welcomed = true;
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify({ t: 'welcome', v: PROTOCOL_VERSION, session_id: this.sessionId, resume_after: resumeAfter, last_seq: Math.max(row.last_seq, resumeAfter), window: this.window, heartbeat_ms: this.d.heartbeatMs }));
    this.pump();
  }

  /** A try that is not final (held for another): recorded, the credit stays used until the ack. */
  private onAttempt(raw: AttemptMsg): void {
    const f = this.inflight.get(raw.seq);
    if (!f) return;
    this.d.acks.add({ sessionId: this.sessionId, epoch: this.epoch, cursor: 0, deliveryId: f.deliveryId, eventId: f.eventId, ack: { ...cleanAck({ ...raw, t: 'ack' }), t: 'attempt' }, receivedAt: Date.now(), final: false });
  }

  private onAck(raw: AckMsg): void {
    const f = this.inflight.get(raw.seq);
    if (!f) return; // a late or duplicate ack for something this socket did not send
    const a = cleanAck(raw);
    this.inflight.delete(a.seq);
    this.inflightBytes -= f.bytes;
    // Seqs enter `inflight` in ascending order: the first key is the oldest unacknowledged (no walk of the window per ack).
    let cursor = this.sentUpTo;
    if (this.inflight.size) for (const s of this.inflight.keys()) {
      if (s <= cursor) cursor = s - 1;
      break;
    }
    this.d.acks.add({ sessionId: this.sessionId, epoch: this.epoch, cursor, deliveryId: f.deliveryId, eventId: f.eventId, ack: a, receivedAt: Date.now(), final: true });
    this.pump();
  }
}

/** Why a hello cannot be honoured, or null: `window` a whole number >= 1, `last_seq` null or a whole number >= 0. */
export function helloProblem(h: HelloMsg): string | null {
  if (h.window !== undefined && !(Number.isSafeInteger(h.window) && h.window >= 1)) return `window must be a whole number from 1 to ${MAX_WINDOW}, got ${JSON.stringify(h.window)}`.slice(0, 110);
  if (h.last_seq !== undefined && h.last_seq !== null && !(Number.isSafeInteger(h.last_seq) && h.last_seq >= 0)) return `last_seq must be null or a whole number >= 0, got ${JSON.stringify(h.last_seq)}`.slice(0, 110);
  return null;
}

/**
 * The fields of a client's ack as the store expects them: what a buggy or hostile client sends in
 * their place (a string duration, nested headers, a huge body) is dropped, so it cannot break a write
 * or a later read of the Event Logs.
 */
export function cleanAck(a: AckMsg): AckMsg {
  const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : null);
  const headerMap = (h: unknown): Record<string, string> => {
    const out: Record<string, string> = {};
    if (!h || typeof h !== 'object' || Array.isArray(h)) return out;
    // The first 100 own keys, as Object.entries(h).slice(0, 100) had them, without its arrays per ack.
    let n = 0;
    for (const k in h) {
      if (!Object.hasOwn(h, k)) continue;
      if (n++ === 100) break;
      const v = (h as Record<string, unknown>)[k];
      if (typeof v === 'string') out[k.length > 256 ? k.slice(0, 256) : k] = v.length > 8192 ? v.slice(0, 8192) : v;
    }
    return out;
  };
  const status = a.status_code;
  return {
    t: 'ack',
    seq: a.seq,
    event_id: str(a.event_id, 128) ?? '',
    url: str(a.url, 2048) ?? '',
    status_code: Number.isInteger(status) && status! >= 100 && status! <= 999 ? status : null,
    duration_ms: typeof a.duration_ms === 'number' && Number.isFinite(a.duration_ms) && a.duration_ms >= 0 ? Math.min(a.duration_ms, 86_400_000) : 0,
    error: str(a.error, 2048),
    response_headers: headerMap(a.response_headers),
    response_body: str(a.response_body, 20 * 1024) ?? '',
    request_headers: headerMap(a.request_headers),
  };
}
