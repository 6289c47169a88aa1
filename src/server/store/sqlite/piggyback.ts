// Writes that can share an event transaction's commit instead of making one of their own: the delivery
// engine's results (they wait at most `maxWaitMs` for the next POST /v1/events or /in/<token>
// transaction) and, queued as urgent, listen acks and ingest forwards (they wait for no later
// transaction: only until this tick's I/O is handled, so they never lengthen a sender's wait; an
// event transaction that runs first takes them). Written inside that transaction they share its
// commit and most of its pages; the promise settles once the transaction that holds them committed.
// Nothing waiting here was acknowledged to anyone as stored: a crash before the commit only makes the
// relay send those events again, or the engine attempt them again.
import { inTransaction, type Db } from '../../db/open.js';

interface Job {
  write: () => void;
  resolve: () => void;
  reject: (err: Error) => void;
}

const NONE: Job[] = [];

export class Piggyback {
  private queue: Job[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;

  constructor(
    private readonly db: Db,
    private readonly maxWaitMs: number,
  ) {}

  /** Queue `write` (it runs inside a transaction and throws only what should fail it); resolves once committed. */
  add(write: () => void, urgent = false): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (urgent) this.flushSoon();
      else if (!this.timer && !this.immediate) this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  /** What is queued, for the caller's next transaction: write() them inside it, then settle() them. */
  take(): Job[] {
    if (!this.queue.length) return NONE;
    const jobs = this.queue;
    this.queue = [];
    this.cancel();
    return jobs;
  }

  /** Inside the caller's open transaction. */
  static write(jobs: Job[]): void {
    for (const j of jobs) j.write();
  }

  /** After the transaction that took `jobs`: committed, they are done; rolled back, they commit on their own at once. */
  settle(jobs: Job[], committed: boolean): void {
    if (!jobs.length) return;
    if (committed) {
      for (const j of jobs) j.resolve();
      return;
    }
    this.queue = jobs.concat(this.queue);
    this.flushSoon();
  }

  /** Commit what is queued now, in a transaction of its own. */
  flush(): void {
    this.cancel();
    if (!this.queue.length) return;
    const jobs = this.queue;
    this.queue = [];
    try {
      inTransaction(this.db, () => Piggyback.write(jobs));
    } catch (err) {
      for (const j of jobs) j.reject(err as Error);
      return;
    }
    for (const j of jobs) j.resolve();
  }

  private flushSoon(): void {
    if (this.immediate) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.immediate = setImmediate(() => {
      this.immediate = null;
      this.flush();
    });
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}
