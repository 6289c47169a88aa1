// The endpoints API against the real server on an ephemeral port: CRUD, the seed's body, every error case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const SEED_BODY = {
  url: 'https://yourapp.com/webhooks/pro-pitbox',
  events: ['vehicle.created', 'vehicle.updated', 'maintenance.task.created'],
  description: 'Production webhook endpoint',
};

function expectError(res: { status: number; body: any }, status: number, type: string, param?: string) {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.type).toBe(type);
  expect(typeof res.body.error.code).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(5);
  if (param) expect(res.body.error.param).toBe(param);
}

describe('webhook endpoints', () => {
  it("creates an endpoint from the seed's curl example body as is, with a secret", async () => {
    const res = await emu.api('POST', '/v1/webhooks', SEED_BODY);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ object: 'webhook_endpoint', ...SEED_BODY, status: 'enabled' });
    expect(res.body.id).toMatch(/^we_/);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('also takes the seed wildcard example', async () => {
    const res = await emu.api('POST', '/v1/webhooks', { url: 'https://app.com/hook', events: ['vehicle.*', 'maintenance.task.*', 'parts.inventory.low'] });
    expect(res.status).toBe(201);
    expect(res.body.description).toBeNull();
  });

  it('gets, updates, disables, enables, rotates, reveals and deletes', async () => {
    const { body: ep } = await emu.api('POST', '/v1/webhooks', { url: 'http://localhost:3000/a', events: ['*'] });
    const got = await emu.api('GET', `/v1/webhooks/${ep.id}`);
    expect(got.status).toBe(200);
    expect(got.body.secret).toBeUndefined();

    const patched = await emu.api('PATCH', `/v1/webhooks/${ep.id}`, { url: 'http://localhost:3000/b', events: ['session.ended'], description: 'b' });
    expect(patched.body).toMatchObject({ url: 'http://localhost:3000/b', events: ['session.ended'], description: 'b' });

    expect((await emu.api('POST', `/v1/webhooks/${ep.id}/disable`)).body.status).toBe('disabled');
    expect((await emu.api('POST', `/v1/webhooks/${ep.id}/enable`, undefined, { 'content-type': 'application/json' })).body.status).toBe('enabled');

    const rotated = await emu.api('POST', `/v1/webhooks/${ep.id}/rotate-secret`);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(ep.secret);
    expect((await emu.api('GET', `/v1/webhooks/${ep.id}/secret`)).body).toEqual({ secret: rotated.body.secret });

    expect((await emu.api('DELETE', `/v1/webhooks/${ep.id}`)).body).toEqual({ id: ep.id, object: 'webhook_endpoint', deleted: true });
    expectError(await emu.api('GET', `/v1/webhooks/${ep.id}`), 404, 'invalid_request_error');
  });

  it('lists newest first with limit, starting_after and has_more', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await emu.api('POST', '/v1/webhooks', { url: `http://localhost:3000/p${i}`, events: ['*'] })).body.id);
    const first = await emu.api('GET', '/v1/webhooks?limit=2');
    expect(first.body.object).toBe('list');
    expect(first.body.data.map((e: any) => e.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.has_more).toBe(true);
    const next = await emu.api('GET', `/v1/webhooks?limit=2&starting_after=${ids[1]}`);
    expect(next.body.data[0].id).toBe(ids[0]);
    expectError(await emu.api('GET', '/v1/webhooks?limit=101'), 400, 'invalid_request_error', 'limit');
    expectError(await emu.api('GET', '/v1/webhooks?starting_after=we_nope'), 404, 'invalid_request_error', 'starting_after');
  });
});

describe('errors have one shape and the right status', () => {
  it('400 for a missing or invalid field, naming it', async () => {
    expectError(await emu.api('POST', '/v1/webhooks', { url: 'https://a.com' }), 400, 'invalid_request_error', 'events');
    expectError(await emu.api('POST', '/v1/webhooks', { url: 'ftp://a.com', events: ['*'] }), 400, 'invalid_request_error', 'url');
    expectError(await emu.api('POST', '/v1/webhooks', { url: 'not a url', events: ['*'] }), 400, 'invalid_request_error', 'url');
    expectError(await emu.api('POST', '/v1/webhooks', { url: 'https://a.com', events: [] }), 400, 'invalid_request_error', 'events');
    expectError(await emu.api('POST', '/v1/webhooks', { url: 'https://a.com', events: ['*'], colour: 'red' }), 400, 'invalid_request_error', 'colour');
    expectError(await emu.api('PATCH', '/v1/webhooks/we_x', { status: 'paused' }), 400, 'invalid_request_error', 'status');
  });

  it('400 for a bad event: unknown type (exact types only), bad created, data not an object', async () => {
    const wildcard = await emu.api('POST', '/v1/events', { type: 'vehicle.*', data: {} });
    expectError(wildcard, 400, 'invalid_request_error', 'type');
    expect(wildcard.body.error.message).toContain('Valid: vehicle.created');
    expectError(await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: {}, created: 'yesterday' }), 400, 'invalid_request_error', 'created');
    expectError(await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: [1] }), 400, 'invalid_request_error', 'data');
    const seed = { id: 'evt_1a2b3c4d5e', type: 'maintenance.task.created', created: '2024-12-25T10:30:00Z', data: { task: { id: 'mnt_9z8y7x6w5v', vehicle_id: 'veh_4u3t2s1r0q', type: 'oil_change', scheduled_date: '2024-12-30', description: 'Regular oil change', status: 'scheduled' } } };
    const created = await emu.api('POST', '/v1/events', seed);
    expect(created.status).toBe(201);
    expect(created.body.event).toEqual(seed);
  });

  it('400 for an unknown event type, listing the valid ones and the wildcards', async () => {
    const res = await emu.api('POST', '/v1/webhooks', { url: 'https://a.com', events: ['vehicle.created', 'vehicle.craeted'] });
    expectError(res, 400, 'invalid_request_error', 'events');
    expect(res.body.error.message).toContain("'vehicle.craeted'");
    expect(res.body.error.message).toContain("Did you mean 'vehicle.created'");
    expect(res.body.error.message).toContain('session.ended');
    expect(res.body.error.message).toContain('maintenance.task.*');
  });

  it('400 for malformed JSON, 415 for another content type, 413 over 1 MiB', async () => {
    expectError(await emu.api('POST', '/v1/webhooks', '{"url": '), 400, 'invalid_request_error');
    expectError(await emu.api('POST', '/v1/webhooks', 'url=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'invalid_request_error');
    expectError(await emu.api('POST', '/v1/webhooks', 'hello', { 'content-type': 'text/plain' }), 415, 'invalid_request_error');
    const big = { url: 'https://a.com', events: ['*'], description: 'x'.repeat(1024 * 1024) };
    expectError(await emu.api('POST', '/v1/webhooks', big), 413, 'invalid_request_error');
  });

  it('401 without a key or with a wrong one, naming the fix', async () => {
    const none = await emu.api('GET', '/v1/webhooks', undefined, { authorization: '' });
    expectError(none, 401, 'authentication_error');
    const wrong = await emu.api('GET', '/v1/webhooks', undefined, { authorization: 'Bearer ppk_test_wrong' });
    expectError(wrong, 401, 'authentication_error');
    expect(wrong.body.error.message).toMatch(/Invalid API key: run `propitbox login` or use the key printed by `propitbox dev`/);
  });

  it('404 for an unknown route or id; health needs no key', async () => {
    expectError(await emu.api('GET', '/v1/nothing-here'), 404, 'invalid_request_error');
    expectError(await emu.api('GET', '/v1/webhooks/%ZZ'), 400, 'invalid_request_error');
    expectError(await emu.api('POST', '/v1/webhooks', '[1]'), 400, 'invalid_request_error');
    expectError(await emu.api('POST', '/v1/webhooks/we_missing/enable'), 404, 'invalid_request_error', 'id');
    const health = await emu.api('GET', '/v1/health', undefined, { authorization: '' });
    expect(health.status).toBe(200);
    expect(health.body.ok).toBe(true);
  });

  it('409 for an event id that already exists and for a test event to a disabled endpoint', async () => {
    const ev = { type: 'vehicle.created', data: {}, id: 'evt_dup_1' };
    expect((await emu.api('POST', '/v1/events', ev)).status).toBe(201);
    expectError(await emu.api('POST', '/v1/events', ev), 409, 'invalid_request_error', 'id');
    // The same id twice at once (one group commit): one wins, the other is a 409, nothing else fails.
    const racing = await Promise.all([
      emu.api('POST', '/v1/events', { ...ev, id: 'evt_dup_2' }),
      emu.api('POST', '/v1/events', { ...ev, id: 'evt_dup_2' }),
      emu.api('POST', '/v1/events', { ...ev, id: 'evt_dup_3' }),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual([201, 201, 409]);
    const { body: ep } = await emu.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x', events: ['*'] });
    await emu.api('POST', `/v1/webhooks/${ep.id}/disable`);
    expectError(await emu.api('POST', `/v1/webhooks/${ep.id}/test`, { type: 'vehicle.created' }), 409, 'invalid_request_error');
  });
});
