// A token bucket per API key: generous (10k requests/s, bursts of 20k) so it only stops a runaway
// script, answering 429 with Retry-After instead of letting the emulator fall over. Pure: time is passed in.
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 10_000, burst: 20_000 };

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Take one token; false when the bucket is empty. */
  take(now: number): boolean {
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until one token is back (for Retry-After). */
  retryAfter(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.limit.perSecond));
  }
}
