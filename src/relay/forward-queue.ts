// The forwarding queue of a listen session: events in arrival (seq) order, up to `concurrency` POSTs at
// once (1 keeps order), pause/resume, and the "receiver down" policy: a connection error or timeout is
// not a final outcome, so the event is held and re-tried (backoff capped at 2 s) until the receiver
// answers; the receiver going down and coming back is reported once each, not once per event.
// An answer of any status IS final and goes to onFinal (which acks it), and so are errors that waiting
// cannot fix (TLS, certificate, not HTTP: see outbound/classify.ts), said once per URL with a hint.
import type { ListenEvent, ForwardTarget } from './listen-events.js';
import { worthRetrying, type Forwarder, type ForwardOutcome } from './forwarder.js';
import { noTarget } from '../outbound/classify.js';
import { pickTarget } from './routes.js';
import type { IngestItem } from './ingest-item.js';
import { headerRecord } from './ingest-forward.js';
import { receiverRetryDelay } from './reconnect-policy.js';

export interface QueueItem {
  epoch: number; // which relay session it came from (acks for an old session are dropped)
  seq: number;
  id: string;
  type: string;
  body: string; // the event JSON; for an ingested request the text shown for it
  /** A raw request from an ingest URL: sent as received (method, header pairs, bytes), unsigned. */
  ingest?: IngestItem;
}

export interface QueueOptions {
  forwarder: Forwarder;
  targets: readonly ForwardTarget[];
  concurrency: number;
  emit: (e: ListenEvent) => void;
  onFinal: (item: QueueItem, url: string, outcome: ForwardOutcome) => void;
  /** A try that failed in a way worth retrying (receiver down): not final, but an attempt all the same. */
  onRetry?: (item: QueueItem, url: string, outcome: ForwardOutcome) => void;
}

let attemptCounter = 0;
export const nextAttemptId = () => `att_${(++attemptCounter).toString(36)}`;

export class ForwardQueue {
  private readonly waiting: QueueItem[] = [];
  private readonly active = new Map<number, QueueItem>();
  private readonly open = new Set<number>(); // seqs waiting or in flight (has() is per event: no scans)
  private readonly down = new Map<string, string>(); // url -> error, while the receiver does not answer
  private readonly hinted = new Set<string>(); // urls whose "waiting will not fix this" hint was said
  private readonly wakers = new Set<() => void>();
  private readonly idle = new Set<() => void>();
  paused = false;
  private stopping = false;
  private pumping = false;

  constructor(private readonly o: QueueOptions) {}

  push(item: QueueItem): void {
    if (this.stopping) return;
    this.waiting.push(item);
    this.open.add(item.seq);
    this.pump();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.pump();
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Seqs below this are all final; null when nothing is waiting or in flight. */
  lowestOpenSeq(): number | null {
    let low: number | null = this.waiting.length ? this.waiting[0].seq : null;
    for (const s of this.active.keys()) if (low === null || s < low) low = s;
    return low;
  }

  has(seq: number): boolean {
    return this.open.has(seq);
  }

  /** Drop everything from an old relay session (it will be re-sent to the new one if still due). */
  clearWaiting(): void {
    for (const w of this.waiting) this.open.delete(w.seq);
    this.waiting.length = 0;
  }

  /** Stop taking work, cut held retries short (those events stay unacknowledged), wait for in-flight POSTs. */
  async drain(): Promise<void> {
    this.stopping = true;
    this.clearWaiting();
    for (const w of this.wakers) w();
    if (this.active.size) await new Promise<void>((r) => this.idle.add(r));
  }

  // Callbacks, not an async function per event: at thousands of events a second the promise and
  // closure churn cost more than the bookkeeping. `pumping` keeps a synchronous finish from recursing.
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.paused && !this.stopping && this.active.size < this.o.concurrency && this.waiting.length) {
        const item = this.waiting.shift()!;
        this.active.set(item.seq, item);
        this.begin(item);
      }
    } finally {
      this.pumping = false;
    }
  }

  private finished(item: QueueItem): void {
    this.active.delete(item.seq);
    this.open.delete(item.seq);
    if (!this.active.size) for (const r of this.idle) r(), this.idle.delete(r);
    this.pump();
  }

  private final(item: QueueItem, url: string, out: ForwardOutcome): void {
    try {
      this.o.onFinal(item, url, out);
    } finally {
      this.finished(item);
    }
  }

  private begin(item: QueueItem): void {
    const url = pickTarget(this.o.targets, item.type);
    if (!url) {
      const error = noTarget('no --route matches this event type and there is no --forward-to');
      const none: ForwardOutcome = { status: null, startedAt: Date.now(), durationMs: 0, headers: {}, body: '', error, requestHeaders: {} };
      this.o.emit({ kind: 'response', eventId: item.id, attemptId: nextAttemptId(), url: '', status: null, durationMs: 0, headers: {}, body: '', error: error.line, willRetry: false, at: Date.now() });
      return this.final(item, '', none);
    }
    this.attempt(item, url, 1);
  }

  private attempt(item: QueueItem, url: string, attempt: number): void {
    const attemptId = nextAttemptId();
    if (item.ingest) {
      const req = this.o.forwarder.ingestRequest(url, item.id, item.ingest);
      this.o.emit({ kind: 'attempt', eventId: item.id, attemptId, url: req.url, requestHeaders: headerRecord(req.headers), body: item.body, replay: false, at: Date.now(), method: req.method });
      return this.o.forwarder.sendIngest(req, (out) => this.outcome(item, req.url, attempt, attemptId, out));
    }
    const requestHeaders = this.o.forwarder.sign({ id: item.id, type: item.type, body: item.body, attempt });
    this.o.emit({ kind: 'attempt', eventId: item.id, attemptId, url, requestHeaders, body: item.body, replay: false, at: Date.now() });
    this.o.forwarder.send(url, item.body, requestHeaders, (out) => this.outcome(item, url, attempt, attemptId, out));
  }

  private outcome(item: QueueItem, url: string, attempt: number, attemptId: string, out: ForwardOutcome): void {
    const retry = worthRetrying(out);
    const error = out.error?.line ?? null;
    this.o.emit({ kind: 'response', eventId: item.id, attemptId, url, status: out.status, durationMs: out.durationMs, headers: out.headers, body: out.body, error, willRetry: retry && !this.stopping, at: Date.now(), method: item.ingest?.method });
    if (!retry) {
      if (this.down.delete(url)) this.o.emit({ kind: 'receiver', url, up: true, error: null, held: this.waiting.length + this.active.size - 1, at: Date.now() });
      const hint = out.error?.hint;
      if (hint && !this.hinted.has(url)) {
        this.hinted.add(url);
        this.o.emit({ kind: 'error', message: `${url}: ${error} (not retried): ${hint}`, fatal: false, at: Date.now() });
      }
      return this.final(item, url, out);
    }
    this.o.onRetry?.(item, url, out);
    if (this.stopping) return this.finished(item); // not acked: the relay re-sends it next time
    if (!this.down.has(url)) {
      this.down.set(url, error ?? 'no answer');
      this.o.emit({ kind: 'receiver', url, up: false, error, held: this.waiting.length + this.active.size, at: Date.now() });
    }
    this.sleep(receiverRetryDelay(attempt - 1), () => (this.stopping ? this.finished(item) : this.attempt(item, url, attempt + 1)));
  }

  private sleep(ms: number, then: () => void): void {
    const wake = () => {
      clearTimeout(t);
      this.wakers.delete(wake);
      then();
    };
    const t = setTimeout(wake, ms);
    this.wakers.add(wake);
  }
}
