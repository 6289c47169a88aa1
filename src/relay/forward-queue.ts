// The forwarding queue of a listen session: events in arrival (seq) order, up to `concurrency` POSTs at
// once (1 keeps order), pause/resume, and the "receiver down" policy: a connection error or timeout is
// not a final outcome, so the event is held and re-tried (backoff capped at 2 s) until the receiver
// answers; the receiver going down and coming back is reported once each, not once per event.
// An answer of any status IS final and goes to onFinal (which acks it).
import type { ListenEvent, ForwardTarget } from './listen-events.js';
import type { Forwarder, ForwardOutcome } from './forwarder.js';
import { pickTarget } from './routes.js';
import { receiverRetryDelay } from './reconnect-policy.js';

export interface QueueItem {
  epoch: number; // which relay session it came from (acks for an old session are dropped)
  seq: number;
  id: string;
  type: string;
  body: string;
}

export interface QueueOptions {
  forwarder: Forwarder;
  targets: readonly ForwardTarget[];
  concurrency: number;
  emit: (e: ListenEvent) => void;
  onFinal: (item: QueueItem, url: string, outcome: ForwardOutcome) => void;
}

let attemptCounter = 0;
export const nextAttemptId = () => `att_${(++attemptCounter).toString(36)}`;

export class ForwardQueue {
  private readonly waiting: QueueItem[] = [];
  private readonly active = new Map<number, QueueItem>();
  private readonly down = new Map<string, string>(); // url -> error, while the receiver does not answer
  private readonly wakers = new Set<() => void>();
  private readonly idle = new Set<() => void>();
  paused = false;
  private stopping = false;

  constructor(private readonly o: QueueOptions) {}

  push(item: QueueItem): void {
    if (this.stopping) return;
    this.waiting.push(item);
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
    return this.active.has(seq) || this.waiting.some((w) => w.seq === seq);
  }

  /** Drop everything from an old relay session (it will be re-sent to the new one if still due). */
  clearWaiting(): void {
    this.waiting.length = 0;
  }

  /** Stop taking work, cut held retries short (those events stay unacknowledged), wait for in-flight POSTs. */
  async drain(): Promise<void> {
    this.stopping = true;
    this.waiting.length = 0;
    for (const w of this.wakers) w();
    if (this.active.size) await new Promise<void>((r) => this.idle.add(r));
  }

  private pump(): void {
    while (!this.paused && !this.stopping && this.active.size < this.o.concurrency && this.waiting.length) {
      const item = this.waiting.shift()!;
      this.active.set(item.seq, item);
      void this.run(item).finally(() => {
        this.active.delete(item.seq);
        if (!this.active.size) for (const r of this.idle) r(), this.idle.delete(r);
        this.pump();
      });
    }
  }

  private async run(item: QueueItem): Promise<void> {
    const url = pickTarget(this.o.targets, item.type);
    if (!url) {
      const none: ForwardOutcome = { status: null, durationMs: 0, headers: {}, body: '', error: 'no --route matches this event type and there is no --forward-to', retryable: false, requestHeaders: {} };
      this.o.emit({ kind: 'response', eventId: item.id, attemptId: nextAttemptId(), url: '', status: null, durationMs: 0, headers: {}, body: '', error: none.error, willRetry: false, at: Date.now() });
      return this.o.onFinal(item, '', none);
    }
    for (let attempt = 1; ; attempt++) {
      const attemptId = nextAttemptId();
      const requestHeaders = this.o.forwarder.sign({ id: item.id, type: item.type, body: item.body, attempt });
      this.o.emit({ kind: 'attempt', eventId: item.id, attemptId, url, requestHeaders, body: item.body, replay: false, at: Date.now() });
      const out = await this.o.forwarder.forward(url, { id: item.id, type: item.type, body: item.body, attempt }, requestHeaders);
      const willRetry = out.retryable && !this.stopping;
      this.o.emit({ kind: 'response', eventId: item.id, attemptId, url, status: out.status, durationMs: out.durationMs, headers: out.headers, body: out.body, error: out.error, willRetry, at: Date.now() });
      if (!out.retryable) {
        if (this.down.delete(url)) this.o.emit({ kind: 'receiver', url, up: true, error: null, held: this.waiting.length + this.active.size - 1, at: Date.now() });
        return this.o.onFinal(item, url, out);
      }
      if (this.stopping) return; // not acked: the relay re-sends it next time
      if (!this.down.has(url)) {
        this.down.set(url, out.error ?? 'no answer');
        this.o.emit({ kind: 'receiver', url, up: false, error: out.error, held: this.waiting.length + this.active.size, at: Date.now() });
      }
      await this.sleep(receiverRetryDelay(attempt - 1));
      if (this.stopping) return;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.wakers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}
