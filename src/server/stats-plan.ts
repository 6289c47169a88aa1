// Which time buckets GET /v1/stats covers: parse and bound `window` and `bucket`, pick a default bucket,
// and align the buckets to multiples of their size so that a live chart's bars keep their edges as
// time moves on. Pure (`now` is passed in); the route turns the errors into 400s.
import { parseDuration } from '../util/duration.js';
import { STATS_MAX_BUCKETS } from '../contract/stats.js';
import { niceBucket } from '../domain/stats-buckets.js';

export const DEFAULT_WINDOW = '1h';
export const MAX_WINDOW_MS = 30 * 24 * 3_600_000;
const MIN_BUCKET_MS = 1000;
/** A default bucket gives about this many bars: enough detail, and cheap to draw. */
const DEFAULT_BARS = 60;

export interface StatsPlan {
  window: string;
  bucket: string;
  windowMs: number;
  bucketMs: number;
  buckets: number;
  /** ms since epoch: the first bucket's start and the last bucket's end. */
  from: number;
  to: number;
}

/** A problem with one query parameter, for the route's 400. */
export class PlanError extends Error {
  constructor(
    readonly param: 'window' | 'bucket',
    message: string,
  ) {
    super(message);
  }
}

function duration(param: 'window' | 'bucket', text: string): number {
  const v = parseDuration(text);
  if (v === null || !Number.isInteger(v)) throw new PlanError(param, `Invalid '${param}': '${text}' is not a duration; use e.g. 15m, 1h, 24h, 30s`);
  return v;
}

export function planStats(q: { window?: string; bucket?: string }, now: number): StatsPlan {
  const window = (q.window ?? DEFAULT_WINDOW).trim();
  const windowMs = duration('window', window);
  if (windowMs < MIN_BUCKET_MS || windowMs > MAX_WINDOW_MS) throw new PlanError('window', `Invalid 'window': '${window}' must be from 1s to 30d`);
  let bucket: string;
  let bucketMs: number;
  if (q.bucket === undefined) [bucket, bucketMs] = niceBucket(windowMs, DEFAULT_BARS);
  else {
    bucket = q.bucket.trim();
    bucketMs = duration('bucket', bucket);
    if (bucketMs < MIN_BUCKET_MS) throw new PlanError('bucket', `Invalid 'bucket': '${bucket}' is shorter than 1s`);
    if (bucketMs > windowMs) throw new PlanError('bucket', `Invalid 'bucket': '${bucket}' is longer than the window (${window})`);
  }
  const buckets = Math.ceil(windowMs / bucketMs);
  if (buckets > STATS_MAX_BUCKETS) {
    const least = niceBucket(windowMs, STATS_MAX_BUCKETS)[0];
    throw new PlanError('bucket', `Invalid 'bucket': ${window} in buckets of ${bucket} is ${buckets} buckets, more than ${STATS_MAX_BUCKETS}; use a bucket of ${least} or more`);
  }
  const to = (Math.floor(now / bucketMs) + 1) * bucketMs;
  return { window, bucket, windowMs, bucketMs, buckets, from: to - buckets * bucketMs, to };
}
