// The delivery chart's pure parts (no browser): columns for uPlot, hover words, refetch throttling,
// the Event Logs time range in the URL and in live updates.
import { describe, expect, it } from 'vitest';
import type { Stats, StatsBucket } from '../../src/contract/stats.js';
import type { Delivery } from '../../src/contract/v1.js';
import { bucketLabel, bucketWithAttempts, chartColumns, countsText, formatMs, refreshDelay } from '../../src/dashboard/src/lib/stats.js';
import { applyDeliveryUpdate, mergePage } from '../../src/dashboard/src/lib/deliveries.js';
import { href, parseHash } from '../../src/dashboard/src/lib/routes.js';

const T = Date.parse('2026-01-01T10:00:00.000Z');
const empty = { attempts: 0, delivered: 0, retried: 0, failed: 0, p50_ms: null, p95_ms: null, max_ms: null };

function bucket(i: number, over: Partial<StatsBucket> = {}): StatsBucket {
  return { start: new Date(T + i * 60_000).toISOString(), end: new Date(T + (i + 1) * 60_000).toISOString(), ...empty, ...over };
}

const stats: Stats = {
  object: 'stats',
  window: '3m',
  bucket: '1m',
  window_ms: 180_000,
  bucket_ms: 60_000,
  from: new Date(T).toISOString(),
  to: new Date(T + 180_000).toISOString(),
  filters: {},
  buckets: [bucket(0, { attempts: 4, delivered: 2, retried: 1, failed: 1, p50_ms: 10, p95_ms: 40, max_ms: 45 }), bucket(1), bucket(2, { attempts: 1, delivered: 0, retried: 1, failed: 0, p50_ms: 5, p95_ms: 5, max_ms: 5 })],
  total: { attempts: 5, delivered: 2, retried: 2, failed: 1, p50_ms: 9, p95_ms: 40, max_ms: 45 },
};

function delivery(over: Partial<Delivery>): Delivery {
  return { object: 'delivery', id: 'dlv_1', event_id: 'evt_1', event_type: 'vehicle.created', endpoint_id: 'we_1', session_id: null, url: 'http://x', status: 'succeeded', attempt_count: 1, last_status_code: 200, last_error: null, next_attempt_at: null, created: '2026-01-01T10:00:10.000Z', updated: '2026-01-01T10:00:10.000Z', ...over };
}

describe('chart columns', () => {
  it('centres each bar on its bucket and stacks delivered, + retried, + failed (no bar for zero)', () => {
    const [x, all, deliveredRetried, delivered, p50, p95] = chartColumns(stats);
    expect(x).toEqual([T / 1000 + 30, T / 1000 + 90, T / 1000 + 150]);
    expect(all).toEqual([4, null, 1]);
    expect(deliveredRetried).toEqual([3, null, 1]);
    expect(delivered).toEqual([2, null, null]);
    expect(p50).toEqual([10, null, 5]);
    expect(p95).toEqual([40, null, 5]);
  });

  it('words for the hover line and the table', () => {
    expect(countsText(stats.buckets[0])).toBe('4 attempts: 2 delivered, 1 retried, 1 failed · p50 10 ms · p95 40 ms · max 45 ms');
    expect(countsText(stats.buckets[2])).toMatch(/^1 attempt: /);
    expect(countsText(stats.buckets[1])).toBe('no attempts');
    expect(formatMs(1500)).toBe('1.5 s');
    expect(formatMs(null)).toBe('—');
    expect(bucketLabel(stats.buckets[0], 60_000)).toMatch(/^\d\d:\d\d–\d\d:\d\d$/);
    expect(bucketLabel(stats.buckets[0], 15_000)).toMatch(/^\d\d:\d\d:\d\d–\d\d:\d\d:\d\d$/);
  });

  it('only a bucket with attempts can be clicked', () => {
    expect(bucketWithAttempts(stats, 0)).toBe(stats.buckets[0]);
    expect(bucketWithAttempts(stats, 1)).toBeNull();
    expect(bucketWithAttempts(stats, null)).toBeNull();
    expect(bucketWithAttempts(stats, 7)).toBeNull();
  });

  it('refetches at most once a second', () => {
    expect(refreshDelay(0, T)).toBe(0);
    expect(refreshDelay(T, T + 200)).toBe(800);
    expect(refreshDelay(T, T + 5000)).toBe(0);
  });
});

describe('Event Logs for a bucket', () => {
  const f = { endpoint: 'we_1', from: '2026-01-01T10:00:00.000Z', to: '2026-01-01T10:01:00.000Z' };

  it('keeps the range in the URL', () => {
    expect(parseHash(href.logs(f))).toEqual({ name: 'logs', filters: f, delivery: undefined });
  });

  it('adds a live delivery only when its latest change is in the range, and never drops one for its time', () => {
    expect(applyDeliveryUpdate([], delivery({}), f)).toHaveLength(1);
    expect(applyDeliveryUpdate([], delivery({ updated: '2026-01-01T10:05:00.000Z' }), f)).toEqual([]);
    const shown = [delivery({})];
    // A later attempt of a delivery that is listed: it stays, updated.
    const later = applyDeliveryUpdate(shown, delivery({ attempt_count: 2, updated: '2026-01-01T10:05:00.000Z' }), f);
    expect(later.map((d) => d.attempt_count)).toEqual([2]);
    // The API already filtered its page by attempt time: its rows are in, whatever their latest change.
    expect(mergePage([], [delivery({ updated: '2026-01-01T10:05:00.000Z' })], f)).toHaveLength(1);
  });
});
