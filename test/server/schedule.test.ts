import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, isSuccessStatus, nextRetryDelay, parseRetrySchedule } from '../../src/server/delivery/schedule.js';

describe('retry schedule', () => {
  it('is the docs schedule by default: 5 s, 30 s, 2 min, 10 min, 1 h, then give up (6 attempts)', () => {
    expect(DEFAULT_RETRY_SCHEDULE).toEqual([5_000, 30_000, 120_000, 600_000, 3_600_000]);
    expect([1, 2, 3, 4, 5, 6].map((n) => nextRetryDelay(n))).toEqual([5_000, 30_000, 120_000, 600_000, 3_600_000, null]);
  });

  it('follows a compressed schedule and ends after its last entry', () => {
    const s = [100, 200];
    expect(nextRetryDelay(1, s)).toBe(100);
    expect(nextRetryDelay(2, s)).toBe(200);
    expect(nextRetryDelay(3, s)).toBeNull();
  });

  it('never retries a hand retry on its own', () => {
    expect(nextRetryDelay(1, DEFAULT_RETRY_SCHEDULE, true)).toBeNull();
  });

  it('parses durations and rejects junk', () => {
    expect(parseRetrySchedule('100ms,100ms,2s')).toEqual([100, 100, 2000]);
    expect(parseRetrySchedule('5s, 30s, 2m, 10m, 1h')).toEqual([...DEFAULT_RETRY_SCHEDULE]);
    expect(parseRetrySchedule('')).toBeNull(); // an empty schedule is a mistake, not 'no retries'
    expect(parseRetrySchedule('1s,,2s')).toBeNull();
    expect(parseRetrySchedule('5s,soon')).toBeNull();
  });

  it('counts only 2xx as success (a redirect is a failure)', () => {
    expect([200, 204, 299].every(isSuccessStatus)).toBe(true);
    expect([null, 199, 302, 400, 500].some(isSuccessStatus)).toBe(false);
  });
});
