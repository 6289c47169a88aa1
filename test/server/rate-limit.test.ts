import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/server/rate-limit.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

describe('token bucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const b = new TokenBucket({ perSecond: 2, burst: 3 }, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.retryAfter()).toBe(1);
    expect(b.take(499)).toBe(false);
    expect(b.take(500)).toBe(true);
    expect(b.take(10_000)).toBe(true); // refilled, capped at the burst
    expect([b.take(10_000), b.take(10_000), b.take(10_000)]).toEqual([true, true, false]);
  });
});

describe('429 from the API', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    // Effectively no refill during the test, so the outcome does not depend on the machine's speed.
    emu = await startTestEmulator({ rateLimit: { perSecond: 0.001, burst: 3 } });
  });
  afterAll(() => emu.close());

  it('answers 429 rate_limit_error with Retry-After once the burst is spent; health is not limited', async () => {
    for (let i = 0; i < 3; i++) expect((await emu.api('GET', '/v1/webhooks')).status).toBe(200);
    const res = await fetch(`${emu.url}/v1/webhooks`, { headers: { authorization: `Bearer ${emu.apiKey}` } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = await res.json();
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    expect((await emu.api('GET', '/v1/health')).status).toBe(200);
  });
});
