// One client connection to one listen session: hello -> welcome, then the session's log in seq order
// with a credit window (at most `window` unacknowledged) and back-pressure (no writes while the
// socket's buffer is over 1 MiB). Acks free credit and go to the batcher.
import WebSocket from 'ws';
import { CLOSE, PROTOCOL_VERSION, parseMessage, type AckMsg, type ClientMsg, type HelloMsg } from '../../relay/protocol.js';
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
    return `{"t":"event","seq":${r.seq},"id":${JSON.stringify(r.event_id)},"type":${JSON.stringify(r.type)},"created":${JSON.stringify(r.created)},"body":${JSON.stringify(r.body)}}`;
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
    // Unknown types are ignored so either side can grow the protocol.
  }

  private onHello(h: HelloMsg): void {
    if (this.welcomed) return;
    const acked = this.sessions.ackedSeq(this.sessionId);
    // Never skip what the server has not seen acknowledged: a lower cursor only costs re-sends the client re-acks.
    const resumeAfter = typeof h.last_seq === 'number' && h.last_seq >= 0 ? Math.min(h.last_seq, acked) : acked;
    this.window = Math.max(1, Math.min(MAX_WINDOW, Math.floor(h.window ?? DEFAULT_WINDOW)));
    this.sentUpTo = resumeAfter;
    this.welcomed = true;
    const last = this.sessions.get(this.sessionId)?.last_seq ?? resumeAfter;
    this.ws.send(JSON.stringify({ t: 'welcome', v: PROTOCOL_VERSION, session_id: this.sessionId, resume_after: resumeAfter, last_seq: last, window: this.window, heartbeat_ms: this.heartbeatMs }));
    this.pump();
  }

  private onAck(a: AckMsg): void {
    const f = this.inflight.get(a.seq);
    if (!f) return; // a late or duplicate ack for something this socket did not send
    this.inflight.delete(a.seq);
    this.inflightBytes -= f.bytes;
    let cursor = this.sentUpTo;
    for (const s of this.inflight.keys()) if (s <= cursor) cursor = s - 1;
    this.sessions.noteAcked(this.sessionId, cursor, typeof a.url === 'string' && a.url ? a.url : null);
    this.acks.add({ sessionId: this.sessionId, deliveryId: f.deliveryId, eventId: f.eventId, ack: a, receivedAt: Date.now() });
    this.pump();
  }
}
