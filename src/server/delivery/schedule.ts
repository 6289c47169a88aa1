// The retry policy as pure functions (tested without timers). Default = the docs' "Automatic Retry
// Policy": retries after 5 s, 30 s, 2 min, 10 min and 1 h, so 6 attempts, then `failed`.
import { parseDuration } from '../../util/duration.js';

export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [5_000, 30_000, 120_000, 600_000, 3_600_000];
export const DEFAULT_TIMEOUT_MS = 30_000;

/** 2xx is success; everything else (3xx included: redirects are not followed) is a failure. */
export function isSuccessStatus(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

/**
 * Milliseconds to wait after the `attemptsMade`-th attempt failed, or null when the delivery is over.
 * A hand retry is exactly one more attempt, so its failure ends the delivery too.
 */
export function nextRetryDelay(attemptsMade: number, schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE, manual = false): number | null {
  if (manual || attemptsMade < 1) return null;
  return attemptsMade <= schedule.length ? schedule[attemptsMade - 1] : null;
}

/** "100ms,100ms,2s" -> [100, 100, 2000]; null when any part is not a duration, or there is none. */
export function parseRetrySchedule(input: string): number[] | null {
  const s = input.trim();
  if (s === '') return null;
  const out: number[] = [];
  for (const part of s.split(',')) {
    const v = parseDuration(part);
    if (v === null) return null;
    out.push(v);
  }
  return out.length <= 50 ? out : null;
}
