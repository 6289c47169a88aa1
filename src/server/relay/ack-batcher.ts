// Acks arrive one websocket message each; recording them one transaction each would cap throughput.
// They are collected and written once per tick through the store: every attempt, each session's cursor
// (only under the epoch the socket holds), log trimming. A batch the store refuses (disk full, database
// away) is kept and written again with backoff: the client is not asked again while connected.
import type { AckMsg, AttemptMsg } from '../../relay/protocol.js';
import type { SessionAck, SessionsStore } from '../store/store.js';

export interface PendingAck {
  sessionId: string;
  /** The ownership epoch of the socket the ack came on. */
  epoch: number;
  /** Everything up to here is acknowledged on that socket. */
  cursor: number;
  deliveryId: string;
  /** What the server sent under this seq (an event id, or an ingested request's req_ id). */
  eventId: string;
  ack: AckMsg | AttemptMsg;
  receivedAt: number;
  /** false for an attempt the client will try again (the delivery stays pending, the cursor does not move). */
  final: boolean;
}

export class AckBatcher {
  private pending: PendingAck[] = [];
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private retryMs = 0;
  private writing: Promise<void> | null = null;
  /** More work per written batch (the ingest part marks requests forwarded), after the acks are stored. */
  private readonly writers: Array<(batch: PendingAck[]) => void> = [];

  constructor(
    private readonly sessions: SessionsStore,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Run `w` on every written batch's final acks; returns a function that removes it. */
  addWriter(w: (batch: PendingAck[]) => void): () => void {
    this.writers.push(w);
    return () => {
      const i = this.writers.indexOf(w);
      if (i >= 0) this.writers.splice(i, 1);
    };
  }

  add(p: PendingAck): void {
    this.pending.push(p);
    if (!this.scheduled && !this.retryMs) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Write what is pending now (and wait for a write already under way). */
  async flush(): Promise<void> {
    this.scheduled = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.writing) await this.writing;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.write(batch).finally(() => (this.writing = null));
    await this.writing;
  }

  private async write(batch: PendingAck[]): Promise<void> {
    try {
      await this.sessions.recordAcks(batch.map(toSessionAck));
      this.retryMs = 0;
    } catch (err) {
      this.onError(err as Error);
      this.pending = batch.concat(this.pending);
      this.retryMs = Math.min(5_000, this.retryMs ? this.retryMs * 2 : 100);
      this.timer = setTimeout(() => void this.flush(), this.retryMs);
      this.timer.unref();
      return;
    }
    const finals = batch.filter((p) => p.final);
    for (const w of this.writers) {
      try {
        w(finals);
      } catch (err) {
        this.onError(err as Error);
      }
    }
  }
}

function toSessionAck(p: PendingAck): SessionAck {
  const a = p.ack;
  return {
    sessionId: p.sessionId,
    epoch: p.epoch,
    cursor: p.cursor,
    deliveryId: p.deliveryId,
    url: a.url || null,
    final: p.final,
    attempt: {
      started_at: new Date(p.receivedAt - a.duration_ms).toISOString(),
      duration_ms: Math.round(a.duration_ms),
      status_code: a.status_code,
      error: a.error,
      request_headers: a.request_headers ?? {},
      response_headers: a.response_headers ?? {},
      response_body: (a.response_body ?? '').slice(0, 20 * 1024),
      manual: false,
    },
  };
}
