// The header's activity line: events received per second over the last minute, and the p95 latency of
// the forwards answered in it. Derived from the reducer's state only (no I/O, no extra bookkeeping in
// the reducer): one pass over the rows in memory, cached per state, so a frame that redraws the header
// for another reason pays nothing.
import type { ViewState } from './types.js';

export const ACTIVITY_WINDOW_MS = 60_000;
/** Latency sparkline slots: 12 x 5 s. */
export const LATENCY_SLOTS = 12;
/** Latencies above this (ms) count as this much in a slot's p95 (about 11 days: never in practice). */
const SLOT_KEY = 1e9;

export interface Activity {
  /** Events received in each second of the window, oldest first (60 values). */
  perSecond: number[];
  /** p95 of the answered forwards in each LATENCY_SLOTS slice of the window (0 = none answered). */
  p95BySlot: number[];
  /** Events received in the window. */
  received: number;
  /** p95 forward latency over the whole window (nearest rank), null when nothing was answered. */
  p95: number | null;
  /** The window's end: the state's clock, or the newest activity if that is later (ticks lag a frame). */
  end: number;
  /** The newest arrival or answer seen, or null when there is none in memory. */
  latest: number | null;
}

/** Nearest-rank percentile of an unsorted list (sorts it in place; typed arrays sort numbers natively). */
export function percentile(values: number[] | Float64Array, p: number): number | null {
  if (!values.length) return null;
  if (values instanceof Float64Array) values.sort();
  else values.sort((a, b) => a - b);
  return values[Math.max(0, Math.ceil(p * values.length) - 1)];
}

let cache: { rows: ViewState['rows']; now: number; value: Activity } | null = null;

export function activity(view: Pick<ViewState, 'rows' | 'now'>): Activity {
  if (cache && cache.rows === view.rows && cache.now === view.now) return cache.value;
  const value = compute(view);
  cache = { rows: view.rows, now: view.now, value };
  return value;
}

function compute({ rows, now }: Pick<ViewState, 'rows' | 'now'>): Activity {
  let latest: number | null = null;
  let answered = 0;
  for (const row of rows.values()) {
    if (!row.fromHistory) latest = Math.max(latest ?? 0, row.receivedAt);
    for (const a of row.attempts) if (a.response) (latest = Math.max(latest ?? 0, a.response.at)), answered++;
  }
  const end = Math.max(now, latest ?? 0);
  const start = end - ACTIVITY_WINDOW_MS;
  const perSecond = new Array<number>(ACTIVITY_WINDOW_MS / 1000).fill(0);
  const slotMs = ACTIVITY_WINDOW_MS / LATENCY_SLOTS;
  // Latencies in flat typed arrays (a flood keeps ~1,000 answered forwards in the window each frame):
  // `ms` for the overall p95, and `keyed` = slot * SLOT_KEY + ms, which one numeric sort groups by slot.
  const ms = new Float64Array(answered);
  const keyed = new Float64Array(answered);
  let n = 0;
  let received = 0;
  for (const row of rows.values()) {
    if (!row.fromHistory && row.receivedAt > start && row.receivedAt <= end) {
      perSecond[Math.min(perSecond.length - 1, Math.floor((row.receivedAt - start - 1) / 1000))]++;
      received++;
    }
    for (const a of row.attempts) {
      const r = a.response;
      // Answered forwards only: a refused connection has no latency worth a percentile.
      if (!r || r.status === null || r.at <= start || r.at > end) continue;
      const slot = Math.min(LATENCY_SLOTS - 1, Math.floor((r.at - start - 1) / slotMs));
      ms[n] = r.durationMs;
      keyed[n++] = slot * SLOT_KEY + Math.min(r.durationMs, SLOT_KEY - 1);
    }
  }
  const sorted = keyed.subarray(0, n).sort();
  const p95BySlot = new Array<number>(LATENCY_SLOTS).fill(0);
  for (let i = 0; i < n; ) {
    const slot = Math.floor(sorted[i] / SLOT_KEY);
    let j = i;
    while (j < n && Math.floor(sorted[j] / SLOT_KEY) === slot) j++;
    p95BySlot[slot] = sorted[i + Math.max(0, Math.ceil(0.95 * (j - i)) - 1)] - slot * SLOT_KEY;
    i = j;
  }
  return { perSecond, p95BySlot, received, p95: percentile(ms.subarray(0, n), 0.95), end, latest };
}

/** Whether the clock must keep ticking: something in the window has not yet slid out of it. */
export function activityTicking(view: Pick<ViewState, 'rows' | 'now'>): boolean {
  const { latest } = activity(view);
  return latest !== null && view.now <= latest + ACTIVITY_WINDOW_MS;
}
