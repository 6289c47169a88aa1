// The delivery charts' pure parts: window choices, GET /v1/stats -> chart columns, the words a hover or a
// screen reader gets, and when to refetch on live messages. Tested without a browser.
import type { Stats, StatsBucket, StatsCounts } from '../../../contract/stats.js';

export const WINDOWS = [
  { value: '15m', label: '15 min' },
  { value: '1h', label: '1 h' },
  { value: '24h', label: '24 h' },
] as const;
export type WindowValue = (typeof WINDOWS)[number]['value'];
export const DEFAULT_WINDOW: WindowValue = '1h';

/** Live messages refetch at most this often (one small query; a flood of attempts is one refetch a second). */
export const MIN_REFRESH_MS = 1000;

/**
 * Columns for uPlot: x (bucket middle, in seconds), the three stacked bar tops, tallest first (all
 * attempts, delivered + retried, delivered: each covers the bands below it; null draws no bar), then p50 and p95 latency (null where
 * there was no attempt).
 */
export type ChartColumns = [number[], ...(number | null)[][]];

export function chartColumns(s: Stats): ChartColumns {
  const half = s.bucket_ms / 2;
  const cols: ChartColumns = [[], [], [], [], [], []];
  const bar = (v: number) => (v > 0 ? v : null);
  for (const b of s.buckets) {
    cols[0].push((Date.parse(b.start) + half) / 1000);
    cols[1].push(bar(b.delivered + b.retried + b.failed));
    cols[2].push(bar(b.delivered + b.retried));
    cols[3].push(bar(b.delivered));
    cols[4].push(b.p50_ms);
    cols[5].push(b.p95_ms);
  }
  return cols;
}

export function formatMs(v: number | null): string {
  if (v === null) return '—';
  return v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(v < 10_000 ? 1 : 0)} s`;
}

/** Local time of day; with seconds when the buckets are shorter than a minute. */
export function clock(iso: string, withSeconds: boolean): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}), hourCycle: 'h23' });
}

export function bucketLabel(b: Pick<StatsBucket, 'start' | 'end'>, bucketMs: number): string {
  const secs = bucketMs < 60_000;
  return `${clock(b.start, secs)}–${clock(b.end, secs)}`;
}

/** "12 attempts: 10 delivered, 1 retried, 1 failed · p50 12 ms · p95 40 ms · max 52 ms". */
export function countsText(c: StatsCounts): string {
  if (c.attempts === 0) return 'no attempts';
  const n = (v: number, one: string) => `${v} ${one}${v === 1 ? '' : 's'}`;
  return `${n(c.attempts, 'attempt')}: ${c.delivered} delivered, ${c.retried} retried, ${c.failed} failed · p50 ${formatMs(c.p50_ms)} · p95 ${formatMs(c.p95_ms)} · max ${formatMs(c.max_ms)}`;
}

/** The bucket under the pointer (uPlot's cursor index), if it has any attempt. */
export function bucketWithAttempts(s: Stats, idx: number | null | undefined): StatsBucket | null {
  if (idx === null || idx === undefined) return null;
  const b = s.buckets[idx];
  return b && b.attempts > 0 ? b : null;
}

/** ms until a refetch may run, given the last one started at `lastAt` (0 = now). */
export function refreshDelay(lastAt: number, now: number, gap = MIN_REFRESH_MS): number {
  return Math.max(0, lastAt + gap - now);
}
