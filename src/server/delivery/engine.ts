// The durable delivery engine. The database is the truth (pending rows with next_attempt_at); memory
// only holds the work being done now. New work is handed over directly (no polling latency), retries
// wake a single timer, and a restart rescans the database, so kill -9 loses nothing.
// Bounded: at most `maxInFlight` requests overall and `perEndpoint` per endpoint, so a slow endpoint
// cannot hold up the others; results are written in one transaction per tick.
// An answer, once received, is never asked for again: a result that cannot be written (disk full) stays
// in memory, its row held, and the write is retried with backoff; no new attempt starts meanwhile.
import { Agent } from 'undici';
import { Signer } from '../../signing/signer.js';
import { applyAttempt, type AttemptResult, type DeliveryRow, type DeliveryStore } from '../store/deliveries.js';
import type { EndpointStore } from '../store/endpoints.js';
import type { EventStore } from '../store/events.js';
import type { StorageHealth } from '../storage-health.js';
import { performAttempt } from './attempt.js';
import { Fifo } from './queue.js';
import { isSuccessStatus, nextRetryDelay } from './schedule.js';

export interface EngineOptions {
  retrySchedule: readonly number[];
  timeoutMs: number;
  maxInFlight?: number;
  perEndpoint?: number;
  /** Most deliveries held in memory per endpoint; the rest wait in the database. */
  perEndpointQueue?: number;
  log?: (line: string) => void;
  /** Told when result writes fail and recover (health reports it). */
  storage?: StorageHealth;
}

const FLUSH_DELAY_MS = 5;
const MAX_TIMER_MS = 60_000;
/** Retrying a failed result write: 100 ms, doubling, at most every 5 s. */
const WRITE_RETRY_MIN_MS = 100;
const WRITE_RETRY_MAX_MS = 5_000;

interface Work {
  row: DeliveryRow;
  body?: string;
}

/** An attempt in flight; `sent` once its request is going out on a connection (not while resolving or connecting). */
interface InFlight {
  sent: boolean;
  done: Promise<void>;
}

/** A promise that settles within `ms` (shutdown never waits on something unbounded). */
function within(p: Promise<unknown>, ms: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p.then(() => undefined, () => undefined), new Promise<void>((r) => (t = setTimeout(r, ms)))]).finally(() => clearTimeout(t));
}

export class DeliveryEngine {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 64 });
  private readonly queues = new Map<string, Fifo<Work>>();
  private readonly held = new Set<string>(); // queued, in flight, or awaiting its result write
  private readonly perEndpointActive = new Map<string, number>();
  private readonly overflowed = new Set<string>(); // endpoints with due rows left in the database
  private readonly inFlight = new Set<InFlight>();
  /** One signer per endpoint (its HMAC keys prepared once), replaced when the secret rotates. */
  private readonly signers = new Map<string, Signer>();
  private results: AttemptResult[] = [];
  private flushScheduled = false;
  /** Set while result writes fail: the delay before the next try (0 = writes work). */
  private writeRetryMs = 0;
  private pumpScheduled = false;
  private active = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private stopped = false;
  private aborting = false;
  private readonly maxInFlight: number;
  private readonly perEndpoint: number;
  private readonly perEndpointQueue: number;

  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly endpoints: EndpointStore,
    private readonly events: EventStore,
    private readonly opts: EngineOptions,
  ) {
    this.maxInFlight = opts.maxInFlight ?? 64;
    this.perEndpoint = opts.perEndpoint ?? 32;
    this.perEndpointQueue = opts.perEndpointQueue ?? 2000;
  }

  /** Resume whatever the database says is pending (after a restart or a crash). */
  start(): void {
    this.scan();
  }

  /** Freshly committed deliveries (new event, resend, hand retry). */
  enqueue(rows: DeliveryRow[], body?: string): void {
    if (this.stopped) return;
    const now = Date.now();
    for (const row of rows) {
      if (row.endpoint_id === null || this.held.has(row.id)) continue;
      if ((row.next_attempt_at ?? 0) > now) {
        this.armTimer(row.next_attempt_at!);
        continue;
      }
      const q = this.queue(row.endpoint_id);
      if (q.length >= this.perEndpointQueue) {
        this.overflowed.add(row.endpoint_id);
        continue;
      }
      this.held.add(row.id);
      q.push({ row, body });
    }
    this.schedulePump();
  }

  /**
   * Shutdown: no new attempt starts (nor goes out: one still resolving or connecting is dropped), those
   * already sending get `graceMs` to be answered, and their results are written. What is cut off stays
   * pending in the database and is sent again on the next start. Bounded: never waits on DNS or a socket.
   */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const sending = [...this.inFlight].filter((f) => f.sent).map((f) => f.done);
    if (sending.length) await within(Promise.all(sending), graceMs);
    // Whatever is still in flight fails now; those attempts are dropped and stay pending in the DB.
    this.aborting = true;
    await within(this.agent.destroy(), 250);
    await within(Promise.all([...this.inFlight].map((f) => f.done)), 250);
    this.flush();
    if (this.results.length) this.opts.log?.(`${this.results.length} delivery results could not be recorded (${this.lastWriteError}): those deliveries stay pending and are sent again on the next start`);
  }

  get stats(): { inFlight: number; held: number; unrecorded: number } {
    return { inFlight: this.active, held: this.held.size, unrecorded: this.writeRetryMs ? this.results.length : 0 };
  }

  private queue(endpointId: string): Fifo<Work> {
    let q = this.queues.get(endpointId);
    if (!q) this.queues.set(endpointId, (q = new Fifo<Work>()));
    return q;
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.stopped || this.writeRetryMs) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Start attempts round-robin across endpoints until the caps are reached. */
  private pump(): void {
    let started = true;
    // While results cannot be written, starting more attempts would only pile up answers in memory.
    while (started && this.active < this.maxInFlight && !this.stopped && !this.writeRetryMs) {
      started = false;
      for (const [endpointId, q] of this.queues) {
        if (this.active >= this.maxInFlight) break;
        const busy = this.perEndpointActive.get(endpointId) ?? 0;
        if (busy >= this.perEndpoint) continue;
        const work = q.shift();
        if (!work) {
          this.queues.delete(endpointId);
          if (this.overflowed.has(endpointId)) this.refill(endpointId);
          continue;
        }
        if (q.length < this.perEndpointQueue / 2 && this.overflowed.has(endpointId)) this.refill(endpointId);
        this.perEndpointActive.set(endpointId, busy + 1);
        this.active++;
        // attempt() never rejects: one continuation per attempt, no finally().
        const f: InFlight = { sent: false, done: undefined as unknown as Promise<void> };
        f.done = this.attempt(work, f).then(() => {
          this.inFlight.delete(f);
          this.active--;
          this.perEndpointActive.set(endpointId, (this.perEndpointActive.get(endpointId) ?? 1) - 1);
          this.schedulePump();
        });
        this.inFlight.add(f);
        started = true;
      }
    }
  }

  /** One attempt and its recorded result; never rejects. */
  private attempt({ row, body }: Work, f: InFlight): Promise<void> {
    // A bug or a database error must not kill the engine; the row stays pending and is rescanned.
    const lost = (err: unknown) => {
      this.held.delete(row.id);
      this.opts.log?.(`delivery ${row.id}: ${(err as Error).message}`);
    };
    try {
      const target = this.endpoints.target(row.endpoint_id!);
      const now = Date.now();
      const number = row.attempt_count + 1;
      const manual = row.manual === 1;
      if (!target || target.status !== 'enabled') {
        const error = target ? `endpoint ${target.id} is disabled` : `endpoint ${row.endpoint_id} was deleted`;
        const attempt = { started_at: new Date(now).toISOString(), duration_ms: 0, status_code: null, error, request_headers: {}, response_headers: {}, response_body: '', manual };
        this.record(applyAttempt(row, attempt, 'failed', null));
        return Promise.resolve();
      }
      const payload = body ?? this.events.get(row.event_id).body;
      const headers = this.signer(target.id, target.secret).headers(row.event_id, row.event_type, payload, number, now);
      // Once stopping, a request that has not gone out yet does not go out (no answer to wait for).
      const beforeSend = () => (this.stopped ? false : (f.sent = true));
      return performAttempt(this.agent, { url: target.url, body: payload, headers, timeoutMs: this.opts.timeoutMs, beforeSend }).then((attempt) => {
        if (this.aborting || (this.stopped && !f.sent)) return void this.held.delete(row.id);
        try {
          const ok = isSuccessStatus(attempt.status_code);
          const delay = ok ? null : nextRetryDelay(number, this.opts.retrySchedule, manual);
          this.record(applyAttempt({ ...row, url: target.url }, { ...attempt, manual }, ok ? 'succeeded' : 'failed', delay === null ? null : Date.now() + delay));
        } catch (err) {
          lost(err);
        }
      }, lost);
    } catch (err) {
      lost(err);
      return Promise.resolve();
    }
  }

  private signer(endpointId: string, secret: string): Signer {
    let s = this.signers.get(endpointId);
    if (!s || s.secret !== secret) {
      if (this.signers.size > 1000) this.signers.clear(); // deleted endpoints
      this.signers.set(endpointId, (s = new Signer(secret)));
    }
    return s;
  }

  private record(result: AttemptResult): void {
    this.results.push(result);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // A few ms of batching: at high rates a commit per tick would cost more than the deliveries.
    setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  /**
   * One transaction for every result of this tick; a row leaves `held` only once its new state is stored.
   * A failed write keeps the results (and their rows held, so no rescan sends them again) and retries.
   */
  private flush(): void {
    this.flushScheduled = false;
    this.retryTimer = null;
    const batch = this.results;
    if (!batch.length) return;
    try {
      this.deliveries.recordResults(batch);
    } catch (err) {
      return this.writeFailed(err as Error);
    }
    this.results = [];
    for (const r of batch) {
      this.held.delete(r.row.id);
      if (r.row.status === 'pending' && r.row.next_attempt_at !== null) this.armTimer(r.row.next_attempt_at);
    }
    if (this.writeRetryMs) {
      this.writeRetryMs = 0;
      this.opts.storage?.ok();
      this.opts.log?.(`delivery results are being recorded again (${batch.length} kept in memory were written)`);
      this.scan();
    }
  }

  private retryTimer: NodeJS.Timeout | null = null;
  private lastWriteError = '';

  private writeFailed(err: Error): void {
    this.opts.storage?.failed(err);
    this.lastWriteError = err.message;
    if (!this.writeRetryMs) this.opts.log?.(`could not record ${this.results.length} delivery results (${err.message}): kept in memory, not sent again; retrying the write`);
    this.writeRetryMs = Math.min(WRITE_RETRY_MAX_MS, this.writeRetryMs ? this.writeRetryMs * 2 : WRITE_RETRY_MIN_MS);
    if (this.stopped) return;
    this.flushScheduled = true;
    this.retryTimer = setTimeout(() => this.flush(), this.writeRetryMs);
  }

  private armTimer(at: number): void {
    if (this.stopped || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    // Capped: a long schedule (or a clock change) still gets a rescan at least once a minute.
    this.timer = setTimeout(() => this.onTimer(), Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now())));
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Infinity;
    this.scan();
  }

  /** Pick up every endpoint's due rows from the database and arm the timer for the next future one. */
  private scan(): void {
    if (this.stopped || this.writeRetryMs) return;
    const now = Date.now();
    for (const endpointId of this.deliveries.endpointsWithDueWork(now)) this.refill(endpointId, now);
    const next = this.deliveries.earliestDueAfter(now);
    if (next !== null) this.armTimer(next);
    this.schedulePump();
  }

  private refill(endpointId: string, now = Date.now()): void {
    this.overflowed.delete(endpointId);
    const q = this.queue(endpointId);
    const room = this.perEndpointQueue - q.length;
    if (room <= 0) return void this.overflowed.add(endpointId);
    // Held rows of this endpoint come first in due order, so ask for enough to get past them.
    const heldHere = q.length + (this.perEndpointActive.get(endpointId) ?? 0) + this.results.length;
    const limit = heldHere + room;
    const rows = this.deliveries.dueForEndpoint(endpointId, now, limit);
    let added = 0;
    for (const row of rows) {
      if (this.held.has(row.id) || added >= room) continue;
      this.held.add(row.id);
      q.push({ row });
      added++;
    }
    if (rows.length === limit) this.overflowed.add(endpointId);
  }
}
