// Reconnect as a pure policy (livekit DefaultReconnectPolicy, wrangler tail): exponential backoff with
// full jitter and a cap. No timers here, so it is tested with a fixed `random`.

export interface ReconnectInput {
  /** 0 for the first retry after a drop; reset to 0 after a stable connection. */
  attempt: number;
  /** Time since the connection was first lost (ms). */
  elapsedMs: number;
  /** A number in [0, 1); Math.random in production. */
  random: number;
}

export interface ReconnectPolicy {
  baseMs: number;
  capMs: number;
  /** Give up (null) after this long without a connection; Infinity = never (listen keeps trying). */
  maxElapsedMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { baseMs: 250, capMs: 10_000, maxElapsedMs: Infinity };

/** Full jitter: a uniform delay in [0, min(cap, base * 2^attempt)], at least 50 ms so a flapping server is not hammered. */
export function nextDelay(input: ReconnectInput, policy: ReconnectPolicy = DEFAULT_RECONNECT): number | null {
  if (input.elapsedMs > policy.maxElapsedMs) return null;
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(input.attempt, 30));
  return Math.max(50, Math.floor(input.random * ceiling));
}

/** Backoff for re-trying a held event while the local receiver is down: doubling from 100 ms, capped at 2 s, no jitter (one local target). */
export function receiverRetryDelay(attempt: number, capMs = 2_000): number {
  return Math.min(capMs, 100 * 2 ** Math.min(attempt, 10));
}
