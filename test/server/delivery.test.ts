// The delivery engine end to end: real emulator, real receivers, compressed retry schedule (100 ms x5).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/wait-for.js';

let emu: TestEmulator;
const receivers: Receiver[] = [];
beforeAll(async () => {
  emu = await startTestEmulator({ deliveryTimeoutMs: 1_000 });
});
afterAll(() => emu.close());
afterEach(async () => {
  // Each test starts with no enabled endpoint, so it sees only its own deliveries.
  const all = (await emu.api('GET', '/v1/webhooks?limit=100')).body.data as { id: string; status: string }[];
  for (const ep of all) if (ep.status === 'enabled') await emu.api('POST', `/v1/webhooks/${ep.id}/disable`);
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(respond?: Receiver['respond']): Promise<Receiver> {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

async function endpoint(url: string, events: string[] = ['*']): Promise<{ id: string; secret: string }> {
  const res = await emu.api('POST', '/v1/webhooks', { url, events });
  expect(res.status).toBe(201);
  return res.body;
}

/** Wait until the delivery is no longer pending; returns it with its attempts. */
async function settled(id: string, status = ['succeeded', 'failed']): Promise<any> {
  return waitFor(async () => {
    const d = (await emu.api('GET', `/v1/deliveries/${id}`)).body;
    return status.includes(d.status) && d;
  }, { what: `delivery ${id} to settle` });
}

async function send(type = 'maintenance.task.created', data: Record<string, unknown> = { task: { id: 'mnt_1', type: 'oil_change' } }) {
  const res = await emu.api('POST', '/v1/events', { type, data });
  expect(res.status).toBe(201);
  return res.body as { event: any; deliveries: any[] };
}

// The seed's receiver code, verbatim in spirit: Express re-serializes req.body with JSON.stringify.
function verifyWebhookSignature(payload: string, signature: string, secret: string): boolean {
  const expectedSignature = createHmac('sha256', secret).update(payload).digest('hex');
  return timingSafeEqual(Buffer.from(signature), Buffer.from(expectedSignature));
}

describe('delivery', () => {
  it("is accepted by the seed's own receiver code, byte for byte", async () => {
    const r = await receiver();
    const ep = await endpoint(`${r.url}/webhooks/pro-pitbox`, ['maintenance.task.*']);
    const { event, deliveries } = await send();
    expect(deliveries).toHaveLength(1);
    const d = await settled(deliveries[0].id);
    expect(d.status).toBe('succeeded');
    const req = r.requests[0];
    expect(req.path).toBe('/webhooks/pro-pitbox');
    expect(req.body).toBe(JSON.stringify({ id: event.id, type: event.type, created: event.created, data: event.data }));
    const payload = JSON.stringify(JSON.parse(req.body));
    expect(verifyWebhookSignature(payload, req.headers['x-propitbox-signature'] as string, ep.secret)).toBe(true);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['webhook-id']).toBe(event.id);
    expect(req.headers['webhook-signature']).toMatch(/^v1,/);
    expect(req.headers['x-propitbox-attempt']).toBe('1');
    expect(d.attempts[0]).toMatchObject({ number: 1, status_code: 200, error: null, response_body: 'OK', manual: false });
  });

  it('matches exact types, category wildcards and * (and skips disabled endpoints)', async () => {
    const r = await receiver();
    const exact = await endpoint(`${r.url}/exact`, ['parts.inventory.low']);
    const cat = await endpoint(`${r.url}/cat`, ['parts.*']);
    const all = await endpoint(`${r.url}/all`, ['*']);
    const other = await endpoint(`${r.url}/other`, ['vehicle.*']);
    const off = await endpoint(`${r.url}/off`, ['*']);
    await emu.api('POST', `/v1/webhooks/${off.id}/disable`);
    const { deliveries } = await send('parts.inventory.low', { part: { id: 'prt_1' } });
    const targets = deliveries.map((d) => d.endpoint_id);
    expect(targets).toEqual(expect.arrayContaining([exact.id, cat.id, all.id]));
    expect(targets).not.toContain(other.id);
    expect(targets).not.toContain(off.id);
  });

  it('retries a receiver that fails 3 times and succeeds on the 4th attempt', async () => {
    const r = await receiver((_req, i) => ({ status: i < 3 ? 500 : 200, body: i < 3 ? 'boom' : 'OK' }));
    const ep = await endpoint(r.url, ['session.ended']);
    const { deliveries } = await send('session.ended', { session: { id: 'ses_1' } });
    const d = await settled(deliveries[0].id);
    expect(d.status).toBe('succeeded');
    expect(d.attempt_count).toBe(4);
    expect(d.attempts.map((a: any) => a.status_code)).toEqual([500, 500, 500, 200]);
    expect(r.requests).toHaveLength(4);
    expect(r.requests.map((q) => q.headers['x-propitbox-attempt'])).toEqual(['1', '2', '3', '4']);
    expect(new Set(r.requests.map((q) => q.body)).size).toBe(1);
    // Never earlier than the schedule says (100 ms), whatever the machine's speed.
    for (let i = 1; i < 4; i++) expect(r.requests[i].at - r.requests[i - 1].at).toBeGreaterThanOrEqual(95);
  });

  it('ends failed after 6 attempts; a manual retry makes exactly one more', async () => {
    let answer = 503;
    const r = await receiver(() => ({ status: answer, body: 'unavailable' }));
    const ep = await endpoint(r.url, ['vehicle.deleted']);
    const { deliveries } = await send('vehicle.deleted', { vehicle: { id: 'veh_1' } });
    const failed = await settled(deliveries[0].id);
    expect(failed).toMatchObject({ status: 'failed', attempt_count: 6, last_status_code: 503, next_attempt_at: null });
    expect(r.requests).toHaveLength(6);

    const listed = await emu.api('GET', `/v1/deliveries?endpoint_id=${ep.id}&status=failed`);
    expect(listed.body.data.map((x: any) => x.id)).toEqual([deliveries[0].id]);

    answer = 200;
    const retry = await emu.api('POST', `/v1/deliveries/${deliveries[0].id}/retry`);
    expect(retry.status).toBe(200);
    const done = await settled(deliveries[0].id, ['succeeded']);
    expect(done.attempt_count).toBe(7);
    expect(done.attempts[6]).toMatchObject({ number: 7, status_code: 200, manual: true });
    expect(r.requests).toHaveLength(7);
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const r = await receiver((req) => (req.path === '/moved' ? { status: 302, headers: { location: '/target' } } : { status: 200 }));
    const ep = await endpoint(`${r.url}/moved`, ['vehicle.updated']);
    const { deliveries } = await send('vehicle.updated', { vehicle: { id: 'veh_2' } });
    const d = await settled(deliveries[0].id);
    expect(d.status).toBe('failed');
    expect(d.attempts[0]).toMatchObject({ status_code: 302, error: 'redirect not followed (302)' });
    expect(d.attempts[0].response_headers.location).toBe('/target');
    expect(r.requests.every((q) => q.path === '/moved')).toBe(true);
  });

  it('records connection errors and timeouts as readable lines, and a response excerpt of at most 20 KB', async () => {
    const dead = await receiver();
    const deadUrl = dead.url;
    await dead.close();
    const slow = await receiver(() => ({ status: 200, delay: 3_000 }));
    const big = await receiver(() => ({ status: 200, body: 'y'.repeat(100_000) }));
    const eps = [await endpoint(deadUrl, ['parts.order.created']), await endpoint(slow.url, ['parts.order.created']), await endpoint(big.url, ['parts.order.created'])];
    const { deliveries } = await send('parts.order.created', { order: { id: 'ord_1' } });
    const byEndpoint = new Map(deliveries.map((d) => [d.endpoint_id, d.id]));
    const refused = await emu.api('GET', `/v1/deliveries/${byEndpoint.get(eps[0].id)}`);
    const first = await waitFor(async () => (await emu.api('GET', `/v1/deliveries/${refused.body.id}`)).body.attempts[0]);
    expect(first.error).toBe(`connect ECONNREFUSED ${new URL(deadUrl).host}`);
    const timedOut = await waitFor(async () => (await emu.api('GET', `/v1/deliveries/${byEndpoint.get(eps[1].id)}`)).body.attempts[0]);
    expect(timedOut).toMatchObject({ status_code: null, error: 'timeout after 1000 ms' });
    const excerpt = await settled(byEndpoint.get(eps[2].id)!);
    expect(excerpt.status).toBe('succeeded');
    expect(excerpt.attempts[0].response_body.length).toBe(20 * 1024);
  });

  it('sends test events to that endpoint only, and resends the same bytes', async () => {
    const r = await receiver();
    const a = await endpoint(`${r.url}/a`, ['*']);
    const b = await endpoint(`${r.url}/b`, ['*']);
    const test = await emu.api('POST', `/v1/webhooks/${a.id}/test`, { type: 'maintenance.task.completed' });
    expect(test.status).toBe(201);
    expect(test.body.deliveries.map((d: any) => d.endpoint_id)).toEqual([a.id]);
    expect(test.body.event.data).toHaveProperty('task');
    await settled(test.body.deliveries[0].id);

    const resend = await emu.api('POST', `/v1/events/${test.body.event.id}/resend`, { endpoint_id: b.id });
    expect(resend.status).toBe(201);
    await settled(resend.body.deliveries[0].id);
    expect(r.requests.map((q) => q.path)).toEqual(['/a', '/b']);
    expect(r.requests[1].body).toBe(r.requests[0].body);

    const got = await emu.api('GET', `/v1/events/${test.body.event.id}`);
    expect(got.body).toEqual(test.body.event);
    const listed = await emu.api('GET', '/v1/events?type=maintenance.task.completed&limit=1');
    expect(listed.body.data[0].id).toBe(test.body.event.id);
    expect((await emu.api('GET', `/v1/deliveries?event_id=${test.body.event.id}`)).body.data).toHaveLength(2);
  });

  it('answers 409 to a retry while the delivery is still pending', async () => {
    const r = await receiver(() => ({ status: 200, delay: 500 }));
    const ep = await endpoint(r.url, ['vehicle.created']);
    const { deliveries } = await send('vehicle.created', { vehicle: { id: 'veh_3' } });
    const res = await emu.api('POST', `/v1/deliveries/${deliveries[0].id}/retry`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('delivery_pending');
    await settled(deliveries[0].id);
  });
});
