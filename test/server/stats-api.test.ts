// GET /v1/stats against the real emulator and real receivers: a burst with planned failures gives exact
// counts; every bad query is a 4xx in the API's error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/wait-for.js';

let emu: TestEmulator;
const receivers: Receiver[] = [];
// Three attempts per delivery: the first and two retries 50 ms apart.
beforeAll(async () => {
  emu = await startTestEmulator({ retrySchedule: [50, 50] });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await emu.close();
});

async function endpoint(url: string, events: string[]): Promise<string> {
  const res = await emu.api('POST', '/v1/webhooks', { url, events });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function settledAll(endpointId: string, n: number) {
  return waitFor(async () => {
    const list = (await emu.api('GET', `/v1/deliveries?endpoint_id=${endpointId}&limit=100`)).body.data as { status: string }[];
    return list.length === n && list.every((d) => d.status !== 'pending') && list;
  }, { what: `${n} settled deliveries to ${endpointId}` });
}

function expectError(res: { status: number; body: any }, status: number, param?: string, message?: RegExp) {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.type).toBe(status === 401 ? 'authentication_error' : 'invalid_request_error');
  if (param) expect(res.body.error.param).toBe(param);
  if (message) expect(res.body.error.message).toMatch(message);
}

describe('GET /v1/stats', () => {
  it('counts a burst whose receiver fails the first N requests exactly', async () => {
    const FAIL_FIRST = 7;
    const EVENTS = 12;
    const flaky = await startReceiver((_req, i) => ({ status: i < FAIL_FIRST ? 500 : 200 }));
    const down = await startReceiver(() => ({ status: 503 }));
    receivers.push(flaky, down);
    const flakyId = await endpoint(flaky.url, ['vehicle.*']);
    const downId = await endpoint(down.url, ['parts.inventory.low']);
    await Promise.all(Array.from({ length: EVENTS }, () => emu.api('POST', '/v1/events', { type: 'vehicle.created' })));
    await Promise.all(Array.from({ length: 2 }, () => emu.api('POST', '/v1/events', { type: 'parts.inventory.low' })));
    await settledAll(flakyId, EVENTS);
    await settledAll(downId, 2);

    // What the flaky receiver saw decides the expected counts: each failing request was retried
    // unless it was its delivery's third attempt.
    const attemptOf = (r: { headers: Record<string, unknown> }) => Number(r.headers['x-propitbox-attempt']);
    const failing = flaky.requests.slice(0, FAIL_FIRST);
    const flakyExpected = {
      attempts: flaky.requests.length,
      delivered: flaky.requests.length - FAIL_FIRST,
      retried: failing.filter((r) => attemptOf(r) < 3).length,
      failed: failing.filter((r) => attemptOf(r) === 3).length,
    };
    // Each failing request brought one more attempt unless it ended its delivery. (Usually all 12 first
    // attempts arrive before any retry: 7 retried once, 19 attempts, 12 delivered, 0 failed.)
    expect(flakyExpected.attempts).toBe(EVENTS + FAIL_FIRST - flakyExpected.failed);
    expect(flakyExpected.delivered).toBe(EVENTS - flakyExpected.failed);
    const byEndpoint = await emu.api('GET', `/v1/stats?window=15m&endpoint=${flakyId}`);
    expect(byEndpoint.status).toBe(200);
    expect(byEndpoint.body.total).toMatchObject(flakyExpected);
    const sum = (k: string) => byEndpoint.body.buckets.reduce((n: number, b: any) => n + b[k], 0);
    expect({ attempts: sum('attempts'), delivered: sum('delivered'), retried: sum('retried'), failed: sum('failed') }).toEqual(flakyExpected);

    // Always 503: three attempts per delivery, two retried and one final failure each.
    const dead = await emu.api('GET', `/v1/stats?window=15m&endpoint=${downId}`);
    expect(dead.body.total).toMatchObject({ attempts: 6, delivered: 0, retried: 4, failed: 2 });
    expect(down.requests).toHaveLength(6);

    const all = await emu.api('GET', '/v1/stats?window=15m&bucket=1m');
    expect(all.body.total).toMatchObject({
      attempts: flakyExpected.attempts + 6,
      delivered: flakyExpected.delivered,
      retried: flakyExpected.retried + 4,
      failed: flakyExpected.failed + 2,
    });
    const byType = await emu.api('GET', '/v1/stats?window=15m&event_type=parts.inventory.low');
    expect(byType.body.total.attempts).toBe(6);
    expect(all.body.total.p95_ms).toBeGreaterThanOrEqual(all.body.total.p50_ms);
    expect(all.body.total.max_ms).toBeGreaterThanOrEqual(all.body.total.p95_ms);

    // A hand retry of a failed delivery is one more attempt, and a final failure again.
    const failed = (await emu.api('GET', `/v1/deliveries?endpoint_id=${downId}&limit=1`)).body.data[0];
    expect((await emu.api('POST', `/v1/deliveries/${failed.id}/retry`)).status).toBe(200);
    await settledAll(downId, 2);
    await waitFor(() => down.requests.length === 7, { what: 'the hand retry at the receiver' });
    const after = await emu.api('GET', `/v1/stats?window=15m&endpoint=${downId}`);
    expect(after.body.total).toMatchObject({ attempts: 7, retried: 4, failed: 3 });
  });

  it("lists the deliveries behind a bucket: GET /v1/deliveries?attempted_from=&attempted_to=", async () => {
    const rx = await startReceiver(() => ({ status: 200 }));
    receivers.push(rx);
    const ep = await endpoint(rx.url, ['session.ended']);
    const sent = await Promise.all([1, 2, 3].map(() => emu.api('POST', '/v1/events', { type: 'session.ended' })));
    await settledAll(ep, 3);
    const s = (await emu.api('GET', `/v1/stats?window=1h&bucket=1m&endpoint=${ep}`)).body;
    const busy = s.buckets.filter((b: any) => b.attempts > 0);
    const inBuckets = await Promise.all(busy.map((b: any) => emu.api('GET', `/v1/deliveries?endpoint_id=${ep}&attempted_from=${b.start}&attempted_to=${b.end}`)));
    const ids = inBuckets.flatMap((r) => r.body.data.map((d: any) => d.id)).sort();
    expect(ids).toEqual(sent.map((r) => r.body.deliveries[0].id).sort());
    expect(inBuckets.map((r) => r.body.data.length)).toEqual(busy.map((b: any) => b.attempts));
    const before = await emu.api('GET', `/v1/deliveries?endpoint_id=${ep}&attempted_to=${s.from}`);
    expect(before.body.data).toEqual([]);
    // Any ISO-8601 offset works: the same instant as the bucket's start.
    const offset = new Date(Date.parse(s.from) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect((await emu.api('GET', `/v1/deliveries?endpoint_id=${ep}&attempted_from=${encodeURIComponent(offset)}`)).body.data).toHaveLength(3);
    expectError(await emu.api('GET', '/v1/deliveries?attempted_from=yesterday'), 400, 'attempted_from');
  });

  it('returns aligned buckets, oldest first, with the window, bucket and filters it used', async () => {
    const before = Date.now();
    const res = await emu.api('GET', '/v1/stats?window=1h&bucket=5m');
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s).toMatchObject({ object: 'stats', window: '1h', bucket: '5m', window_ms: 3_600_000, bucket_ms: 300_000, filters: {} });
    expect(s.buckets).toHaveLength(12);
    expect(Date.parse(s.to) % 300_000).toBe(0);
    expect(Date.parse(s.to)).toBeGreaterThan(before);
    expect(s.buckets[0].start).toBe(s.from);
    expect(s.buckets[11].end).toBe(s.to);
    expect(Object.keys(s.buckets[0]).sort()).toEqual(['attempts', 'delivered', 'end', 'failed', 'max_ms', 'p50_ms', 'p95_ms', 'retried', 'start']);
    const defaulted = await emu.api('GET', '/v1/stats');
    expect(defaulted.body).toMatchObject({ window: '1h', bucket: '1m' });
    expect(defaulted.body.buckets).toHaveLength(60);
  });

  it('answers every bad query with a 4xx naming the parameter', async () => {
    const ep = await endpoint('http://127.0.0.1:9/x', ['vehicle.created']);
    expectError(await emu.api('GET', '/v1/stats?window=forever'), 400, 'window', /not a duration/);
    expectError(await emu.api('GET', '/v1/stats?window=0s'), 400, 'window');
    expectError(await emu.api('GET', '/v1/stats?window=90d'), 400, 'window', /30d/);
    expectError(await emu.api('GET', '/v1/stats?window=24h&bucket=1s'), 400, 'bucket', /86400 buckets, more than 500/);
    expectError(await emu.api('GET', '/v1/stats?window=1h&bucket=1d'), 400, 'bucket');
    expectError(await emu.api('GET', '/v1/stats?window='), 400, 'window');
    expectError(await emu.api('GET', '/v1/stats?window=' + '9'.repeat(40)), 400, 'window');
    expectError(await emu.api('GET', '/v1/stats?windw=1h'), 400, 'windw', /Unknown parameter/);
    expectError(await emu.api('GET', `/v1/stats?endpoint=${ep}&session=ls_1`), 400, 'session', /not both/);
    expectError(await emu.api('GET', '/v1/stats?endpoint=ls_1'), 400, 'endpoint', /endpoint id/);
    expectError(await emu.api('GET', '/v1/stats?session=we_1'), 400, 'session');
    expectError(await emu.api('GET', '/v1/stats?endpoint=we_missing'), 404, 'endpoint', /No such endpoint/);
    expectError(await emu.api('GET', '/v1/stats?window=1h', undefined, { authorization: 'Bearer nope' }), 401);
    expect((await emu.api('GET', '/v1/stats?session=ls_gone')).status).toBe(200);
  });
});
