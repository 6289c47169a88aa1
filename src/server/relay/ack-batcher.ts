// Acks arrive one websocket message each; recording them one transaction each would cap throughput.
// They are collected and written once per tick: every attempt, each session's cursor, log trimming.
// A batch the disk refuses (full) is kept and written again with backoff.
import type { Db } from '../db/open.js';
import type { DeliveryStore } from '../store/deliveries.js';
import type { AckMsg, AttemptMsg } from '../../relay/protocol.js';
import { storageErrorCode } from '../storage-health.js';
import type { SessionStore } from './session-store.js';

export interface PendingAck {
  sessionId: string;
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
  private scheduled = false;
  private retryMs = 0;
  private readonly write: (batch: PendingAck[]) => void;
  /** More writes per batch, inside its transaction (the ingest part marks requests forwarded). */
  private readonly writers: Array<(batch: PendingAck[]) => void> = [];

  constructor(db: Db, deliveries: DeliveryStore, sessions: SessionStore, private readonly onError: (err: Error) => void) {
    // The session delivery was created before the CLI said where it forwards; the Event Logs show that URL.
    const setUrl = db.prepare('UPDATE deliveries SET url = ? WHERE id = ? AND url <> ?');
    this.write = db.transaction((batch: PendingAck[]) => {
      const touched = new Set<string>();
      for (const p of batch) {
        if (p.final) touched.add(p.sessionId);
        const a = p.ack;
        try {
          if (a.url) setUrl.run(a.url, p.deliveryId, a.url);
          deliveries.recordSessionAttempt(
            p.deliveryId,
            {
              started_at: new Date(p.receivedAt - a.duration_ms).toISOString(),
              duration_ms: Math.round(a.duration_ms),
              status_code: a.status_code,
              error: a.error,
              request_headers: a.request_headers ?? {},
              response_headers: a.response_headers ?? {},
              response_body: (a.response_body ?? '').slice(0, 20 * 1024),
              manual: false,
            },
            p.final,
          );
        } catch (err) {
          // The delivery row is gone (data reset): the cursor still moves. A full disk is not that.
          if (storageErrorCode(err)) throw err;
        }
      }
      for (const id of touched) sessions.persistAcked(id);
      const finals = batch.filter((p) => p.final);
      for (const w of this.writers) w(finals);
    });
  }

  /** Run `w` on every batch inside its transaction; returns a function that removes it. */
  addWriter(w: (batch: PendingAck[]) => void): () => void {
    this.writers.push(w);
    return () => {
      const i = this.writers.indexOf(w);
      if (i >= 0) this.writers.splice(i, 1);
    };
  }

  add(p: PendingAck): void {
    this.pending.push(p);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.write(batch);
      this.retryMs = 0;
    } catch (err) {
      this.onError(err as Error);
      if (!storageErrorCode(err)) return;
      // Disk full: keep the acks (the client is not asked again while connected) and retry the write.
      this.pending = batch.concat(this.pending);
      this.retryMs = Math.min(5_000, this.retryMs ? this.retryMs * 2 : 100);
      this.scheduled = true;
      setTimeout(() => this.flush(), this.retryMs).unref();
    }
  }
}

