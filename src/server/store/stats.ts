// Delivery health over time (GET /v1/stats), aggregated by the database (counts, max and percentiles in SQL).
//
// Every attempt row carries its outcome (delivered / retried / failed, fixed when it is written) and its
// delivery's endpoint, session and event type, all in the attempts_started index, so a call is one index
// range scan per bucket with no join, filtered or not. Bucket bounds come in as a VALUES list of
// ISO-8601 strings (attempt times are toISOString() text, which sorts like time), so no dialect's date
// functions are needed. The one non-portable word is the percentile aggregate: SQLite (built with
// SQLITE_ENABLE_PERCENTILE, as better-sqlite3 is) spells it percentile_cont(x, p); PostgreSQL spells the
// same standard function percentile_cont(p) WITHIN GROUP (ORDER BY x). Both interpolate linearly.
import type { StatsCounts } from '../../contract/stats.js';
import type { Db } from '../db/open.js';
import { StatementCache } from './paginate.js';

export type AttemptOutcome = 'delivered' | 'retried' | 'failed';

/** The outcome of an attempt, from the delivery's status right after it: pending again means a retry is scheduled. */
export function attemptOutcome(statusAfter: 'pending' | 'succeeded' | 'failed'): AttemptOutcome {
  return statusAfter === 'succeeded' ? 'delivered' : statusAfter === 'pending' ? 'retried' : 'failed';
}

export interface StatsRange {
  /** ms since epoch: start of bucket 0. */
  from: number;
  bucketMs: number;
  buckets: number;
}

export interface StatsFilterColumns {
  endpoint_id?: string;
  session_id?: string;
  event_type?: string;
}

interface Row {
  i: number;
  attempts: number;
  delivered: number;
  retried: number;
  p50: number;
  p95: number;
  max_ms: number;
}

const FILTER_COLUMNS = ['endpoint_id', 'session_id', 'event_type'] as const;

const percentile = (p: number) => `percentile_cont(a.duration_ms, ${p})`;

/** The VALUES list is padded to a power of two (empty ranges), so at most 10 statement shapes per filter set. */
function paddedSize(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

function statsSql(size: number, filters: readonly string[]): string {
  const values = Array.from({ length: size }, (_, i) => `(${i}, ?, ?)`).join(', ');
  const where = filters.length ? `\nWHERE ${filters.map((col) => `a.${col} = ?`).join(' AND ')}` : '';
  return `WITH b (i, lo, hi) AS (VALUES ${values})
SELECT b.i AS i, COUNT(*) AS attempts,
  SUM(CASE WHEN a.outcome = 'delivered' THEN 1 ELSE 0 END) AS delivered,
  SUM(CASE WHEN a.outcome = 'retried' THEN 1 ELSE 0 END) AS retried,
  ${percentile(0.5)} AS p50, ${percentile(0.95)} AS p95, MAX(a.duration_ms) AS max_ms
FROM b
  JOIN attempts a ON a.started_at >= b.lo AND a.started_at < b.hi${where}
GROUP BY b.i`;
}

export function emptyCounts(): StatsCounts {
  return { attempts: 0, delivered: 0, retried: 0, failed: 0, p50_ms: null, p95_ms: null, max_ms: null };
}

export class StatsStore {
  private readonly stmts: StatementCache;

  constructor(db: Db) {
    this.stmts = new StatementCache(db);
  }

  /** Counts for each bucket, oldest first, empty ones included. */
  buckets(range: StatsRange, filters: StatsFilterColumns = {}): StatsCounts[] {
    const cols = FILTER_COLUMNS.filter((c) => filters[c] !== undefined);
    const size = paddedSize(range.buckets);
    const params: string[] = [];
    for (let i = 0; i < size; i++) {
      // Padding rows are the empty range ['', ''): no attempt falls in them.
      if (i >= range.buckets) params.push('', '');
      else params.push(iso(range.from + i * range.bucketMs), iso(range.from + (i + 1) * range.bucketMs));
    }
    for (const c of cols) params.push(filters[c]!);
    const rows = this.stmts.get(statsSql(size, cols)).all(...params) as Row[];
    const out = Array.from({ length: range.buckets }, emptyCounts);
    for (const r of rows) {
      // failed is the rest, so the three always add up to attempts.
      out[r.i] = { attempts: r.attempts, delivered: r.delivered, retried: r.retried, failed: r.attempts - r.delivered - r.retried, p50_ms: Math.round(r.p50), p95_ms: Math.round(r.p95), max_ms: r.max_ms };
    }
    return out;
  }

  /** The same counts over the whole range as one slice (exact percentiles, not merged from buckets). */
  total(range: StatsRange, filters: StatsFilterColumns = {}): StatsCounts {
    return this.buckets({ from: range.from, bucketMs: range.bucketMs * range.buckets, buckets: 1 }, filters)[0];
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
