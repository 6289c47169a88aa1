// How long listen-session logs and idle sessions are kept (both stores use the same numbers).
import { env } from '../../util/env.js';
import type { SessionLimits } from './store.js';

/** Unacknowledged events are kept at most 24 h and at most 10,000 per session. */
export const LOG_MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const LOG_MAX_EVENTS = 10_000;

/**
 * Idle grace of listen sessions that are not durable: PROPITBOX_SESSION_GRACE_MS (tests shorten it),
 * default 5 min, long enough for a laptop that slept or a listen restarted by hand to catch up.
 */
export function sessionGraceMs(): number {
  const v = Number(env('PROPITBOX_SESSION_GRACE_MS'));
  return Number.isFinite(v) && v >= 100 ? v : 5 * 60_000;
}

export function defaultLimits(): SessionLimits {
  return { maxAgeMs: LOG_MAX_AGE_MS, maxEvents: LOG_MAX_EVENTS, idleMs: sessionGraceMs() };
}
