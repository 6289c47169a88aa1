// Delivery health over time (GET /v1/stats), aggregated by the database (counts, max and percentiles in SQL).
//
// Every attempt row carries its outcome (delivered / retried / failed, fixed when it is written) and its
// delivery's endpoint, session and event type, all in the attempts_started index, so a call is one index
// range scan per bucket with no join, filtered or not. Bucket bounds come in as a VALUES list of
// ISO-8601 strings (attempt times are toISOString() text, which sorts like time), so no dialect's date
// functions are needed. What differs is in StatsDialect: placeholders, and the percentile aggregate,
// which SQLite (built with SQLITE_ENABLE_PERCENTILE, as better-sqlite3 is) spells percentile_cont(x, p)
// and PostgreSQL percentile_cont(p) WITHIN GROUP (ORDER BY x): the same standard function, linear
// interpolation in both. test/server/stats-store.test.ts runs the statement on both databases.
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
  /** The key whose attempts count (the index starts with it). */
  owner?: string;
  endpoint_id?: string;
  session_id?: string;
  event_type?: string;
}

/** What differs between the two SQL dialects the stores speak; the statement is otherwise the same. */
export interface StatsDialect {
  /** The n-th (1-based) placeholder. */
  param(n: number): string;
  percentile(column: string, p: number): string;
}

export const SQLITE_STATS: StatsDialect = { param: () => '?', percentile: (c, p) => `percentile_cont(${c}, ${p})` };
export const POSTGRES_STATS: StatsDialect = { param: (n) => `$${n}`, percentile: (c, p) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY ${c})` };

/** A result row; drivers may hand back counts as strings (node-postgres does for bigint). */
export interface StatsRow {
  i: number | string;
  attempts: number | string;
  delivered: number | string;
  retried: number | string;
  p50: number | string | null;
  p95: number | string | null;
  max_ms: number | string | null;
}

const FILTER_COLUMNS = ['owner', 'endpoint_id', 'session_id', 'event_type'] as const;

/** The VALUES list is padded to a power of two (empty ranges), so at most 10 statement shapes per filter set. */
function paddedSize(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

/** One statement for the buckets of `range`: only buckets with attempts come back, keyed by index i. */
export function statsQuery(dialect: StatsDialect, range: StatsRange, filters: StatsFilterColumns = {}): { sql: string; params: string[] } {
  const cols = FILTER_COLUMNS.filter((c) => filters[c] !== undefined);
  const size = paddedSize(range.buckets);
  const params: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < size; i++) {
    // Padding rows are the empty range ['', ''): no attempt falls in them.
    if (i >= range.buckets) params.push('', '');
    else params.push(iso(range.from + i * range.bucketMs), iso(range.from + (i + 1) * range.bucketMs));
    values.push(`(${i}, ${dialect.param(params.length - 1)}, ${dialect.param(params.length)})`);
  }
  const where = cols.map((c) => {
    params.push(filters[c]!);
    return `a.${c} = ${dialect.param(params.length)}`;
  });
  const sql = `WITH b (i, lo, hi) AS (VALUES ${values.join(', ')})
SELECT b.i AS i, COUNT(*) AS attempts,
  SUM(CASE WHEN a.outcome = 'delivered' THEN 1 ELSE 0 END) AS delivered,
  SUM(CASE WHEN a.outcome = 'retried' THEN 1 ELSE 0 END) AS retried,
  ${dialect.percentile('a.duration_ms', 0.5)} AS p50, ${dialect.percentile('a.duration_ms', 0.95)} AS p95, MAX(a.duration_ms) AS max_ms
FROM b
  JOIN attempts a ON a.started_at >= b.lo AND a.started_at < b.hi${where.length ? `\nWHERE ${where.join(' AND ')}` : ''}
GROUP BY b.i`;
  return { sql, params };
}

/** Counts for each of `buckets`, oldest first, empty ones included; failed is the rest, so the three add up. */
export function countsFromRows(rows: readonly StatsRow[], buckets: number): StatsCounts[] {
  const out = Array.from({ length: buckets }, emptyCounts);
  const ms = (v: number | string | null) => (v === null ? null : Math.round(Number(v)));
  for (const r of rows) {
    const attempts = Number(r.attempts);
    const delivered = Number(r.delivered);
    const retried = Number(r.retried);
    out[Number(r.i)] = { attempts, delivered, retried, failed: attempts - delivered - retried, p50_ms: ms(r.p50), p95_ms: ms(r.p95), max_ms: ms(r.max_ms) };
  }
  return out;
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
    const q = statsQuery(SQLITE_STATS, range, filters);
    return countsFromRows(this.stmts.get(q.sql).all(...q.params) as StatsRow[], range.buckets);
  }

  /** The same counts over the whole range as one slice (exact percentiles, not merged from buckets). */
  total(range: StatsRange, filters: StatsFilterColumns = {}): StatsCounts {
    return this.buckets({ from: range.from, bucketMs: range.bucketMs * range.buckets, buckets: 1 }, filters)[0];
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The stats of one key, on SQLite. */
export class SqliteStats {
  private readonly store: StatsStore;

  constructor(db: Db) {
    this.store = new StatsStore(db);
  }

  async buckets(owner: string, range: StatsRange, filters: StatsFilterColumns): Promise<StatsCounts[]> {
    return this.store.buckets(range, { ...filters, owner });
  }

  async total(owner: string, range: StatsRange, filters: StatsFilterColumns): Promise<StatsCounts> {
    return this.store.total(range, { ...filters, owner });
  }
}
