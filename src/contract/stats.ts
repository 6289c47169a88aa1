// GET /v1/stats: delivery health over time (the dashboard's charts, `propitbox stats`, the bench).
// Types only, shared by the server, the CLI client and the dashboard.

/** Counts and attempt latency for one time slice. Every attempt counts once, by when it started. */
export interface StatsCounts {
  /** Attempts started in the slice. attempts = delivered + retried + failed. */
  attempts: number;
  /** Attempts answered 2xx. */
  delivered: number;
  /** Non-2xx attempts (or no answer) after which the delivery was retried automatically (or will be). */
  retried: number;
  /** Non-2xx attempts that ended their delivery as failed (no automatic retry left; hand retries count once each). */
  failed: number;
  /** Attempt duration percentiles (nearest rank) and maximum, in ms; null when there were no attempts. */
  p50_ms: number | null;
  p95_ms: number | null;
  max_ms: number | null;
}

export interface StatsBucket extends StatsCounts {
  /** ISO-8601, inclusive. */
  start: string;
  /** ISO-8601, exclusive. */
  end: string;
}

export interface StatsFilters {
  endpoint?: string; // we_…
  session?: string; // ls_…
  event_type?: string;
}

export interface Stats {
  object: 'stats';
  /** The window and bucket sizes as asked (or defaulted), e.g. "1h" and "1m", and in ms. */
  window: string;
  bucket: string;
  window_ms: number;
  bucket_ms: number;
  /** Buckets are aligned to multiples of bucket_ms (UTC); the last one contains now. */
  from: string;
  to: string;
  filters: StatsFilters;
  /** Oldest first, one per bucket, empty buckets included (zeros and null latencies). */
  buckets: StatsBucket[];
  /** The whole window (its percentiles are over every attempt in it, not an average of buckets). */
  total: StatsCounts;
}

/** GET /v1/stats query: window and bucket are durations ("15m", "1h", "24h", "30s"). */
export interface StatsQuery extends StatsFilters {
  window?: string;
  bucket?: string;
}

export const STATS_MAX_BUCKETS = 500;
