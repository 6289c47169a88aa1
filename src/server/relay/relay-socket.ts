// One client connection to one listen session: hello -> welcome, then the session's log in seq order
// with a credit window (at most `window` unacknowledged) and back-pressure (no writes while the
// socket's buffer is over 1 MiB). Acks free credit and go to the batcher.
import WebSocket from 'ws';
import { CLOSE, PROTOCOL_VERSION, parseMessage, type AckMsg, type AttemptMsg, type ClientMsg, type HelloMsg } from '../../relay/protocol.js';
import { corkForTick } from '../../relay/cork.js';
import type { AckBatcher } from './ack-batcher.js';
import { INGEST_ID_PREFIX, type LogRow, type SessionStore } from './session-store.js';

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

export class RelaySocket {
  alive = true;
  missed = 0;
  private welcomed = false;
  private window = DEFAULT_WINDOW;
  private sentUpTo = 0;
  private readonly inflight = new Map<number, Inflight>();
  private inflightBytes = 0;
  private waitingForDrain = false;

  constructor(
    readonly ws: WebSocket,
    readonly sessionId: string,
    readonly apiKey: string,
    private readonly sessions: SessionStore,
    private readonly acks: AckBatcher,
    private readonly heartbeatMs: number,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : data.toString()));
    ws.on('pong', () => (this.alive = true));
    ws.on('ping', () => (this.alive = true));
  }

  /** New events were committed to this session's log. */
  pump(): void {
    if (!this.welcomed || this.waitingForDrain || this.ws.readyState !== WebSocket.OPEN) return;
    corkForTick(this.ws);
    while (this.inflight.size < this.window && this.inflightBytes < MAX_INFLIGHT_BYTES) {
      if (this.ws.bufferedAmount > HIGH_WATER) return this.waitForDrain();
      const rows = this.sessions.read(this.sessionId, this.sentUpTo, this.window - this.inflight.size);
      if (!rows.length) return;
      for (const r of rows) {
        const frame = this.frame(r);
        this.inflight.set(r.seq, { deliveryId: r.delivery_id, eventId: r.event_id, bytes: frame.length });
        this.inflightBytes += frame.length;
        this.sentUpTo = r.seq;
        this.ws.send(frame);
        // Large ingested bodies: stop at the byte budget or a full buffer, not after the whole batch.
        if (this.inflightBytes >= MAX_INFLIGHT_BYTES) return;
        if (this.ws.bufferedAmount > HIGH_WATER) return this.waitForDrain();
      }
    }
  }

  private frame(r: LogRow): string {
    if (r.event_id.startsWith(INGEST_ID_PREFIX) && this.sessions.ingestFrame) return this.sessions.ingestFrame(r);
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
    if (msg.t === 'hello') this.onHello(msg);
    else if (msg.t === 'ack') this.onAck(msg);
    else if (msg.t === 'attempt') this.onAttempt(msg);
    // Unknown types are ignored so either side can grow the protocol.
  }

  private onHello(h: HelloMsg): void {
    if (this.welcomed) return;
    // A window of "abc" once became NaN and stalled the session for good: a bad hello is a protocol error.
    const bad = helloProblem(h);
    if (bad) return this.close(CLOSE.BAD_MESSAGE, `bad hello: ${bad}`);
    const acked = this.sessions.ackedSeq(this.sessionId);
    // Never skip what the server has not seen acknowledged: a lower cursor only costs re-sends the client re-acks.
    const resumeAfter = typeof h.last_seq === 'number' && h.last_seq >= 0 ? Math.min(h.last_seq, acked) : acked;
    this.window = Math.min(MAX_WINDOW, h.window ?? DEFAULT_WINDOW);
    this.sentUpTo = resumeAfter;
    this.welcomed = true;
    const last = this.sessions.get(this.sessionId)?.last_seq ?? resumeAfter;
    this.ws.send(JSON.stringify({ t: 'welcome', v: PROTOCOL_VERSION, session_id: this.sessionId, resume_after: resumeAfter, last_seq: last, window: this.window, heartbeat_ms: this.heartbeatMs }));
    this.pump();
  }

  /** A try that is not final (held for another): recorded, the credit stays used until the ack. */
  private onAttempt(raw: AttemptMsg): void {
    const f = this.inflight.get(raw.seq);
    if (!f) return;
    this.acks.add({ sessionId: this.sessionId, deliveryId: f.deliveryId, eventId: f.eventId, ack: { ...cleanAck({ ...raw, t: 'ack' }), t: 'attempt' }, receivedAt: Date.now(), final: false });
  }

  private onAck(raw: AckMsg): void {
    const f = this.inflight.get(raw.seq);
    if (!f) return; // a late or duplicate ack for something this socket did not send
    const a = cleanAck(raw);
    this.inflight.delete(a.seq);
    this.inflightBytes -= f.bytes;
    let cursor = this.sentUpTo;
    for (const s of this.inflight.keys()) if (s <= cursor) cursor = s - 1;
    this.sessions.noteAcked(this.sessionId, cursor, a.url || null);
    this.acks.add({ sessionId: this.sessionId, deliveryId: f.deliveryId, eventId: f.eventId, ack: a, receivedAt: Date.now(), final: true });
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
    if (h && typeof h === 'object' && !Array.isArray(h)) for (const [k, v] of Object.entries(h).slice(0, 100)) if (typeof v === 'string') out[k.slice(0, 256)] = v.slice(0, 8192);
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
