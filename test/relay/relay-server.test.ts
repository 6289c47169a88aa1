// The relay's websocket contract against a real in-process emulator, with a raw ws client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { waitFor } from '../helpers/wait-for.js';
import { CLOSE, type EventMsg, type ServerMsg, type WelcomeMsg } from '../../src/relay/protocol.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

interface Client {
  ws: WebSocket;
  msgs: ServerMsg[];
  events: () => EventMsg[];
  closed: Promise<{ code: number; reason: string }>;
}

function connect(wsUrl: string, key = emu.apiKey): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${key}` } });
    const msgs: ServerMsg[] = [];
    ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('open', () => resolve({ ws, msgs, events: () => msgs.filter((m): m is EventMsg => m.t === 'event'), closed }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

async function session(body: Record<string, unknown> = {}) {
  const r = await emu.api('POST', '/v1/listen-sessions', body);
  expect(r.status).toBe(201);
  return r.body as { id: string; ws_url: string; secret: string };
}

const trigger = (type = 'vehicle.created') => emu.api('POST', '/v1/events', { type });
const hello = (c: Client, last_seq: number | null, window?: number) => c.ws.send(JSON.stringify({ t: 'hello', v: 1, last_seq, window }));
const ack = (c: Client, e: EventMsg, status = 200) => c.ws.send(JSON.stringify({ t: 'ack', seq: e.seq, event_id: e.id, url: 'http://localhost:3000/hook', status_code: status, duration_ms: 3, error: null }));

describe('listen relay (server side)', () => {
  it('rejects a bad key with HTTP 401 before upgrading and an unknown session with 404', async () => {
    const s = await session();
    await expect(connect(s.ws_url, 'ppk_test_wrong')).rejects.toThrow('HTTP 401');
    await expect(connect(s.ws_url.replace(s.id, 'ls_nope'))).rejects.toThrow('HTTP 404');
  });

  it('validates the filter with did-you-mean and keeps one secret per key until rotated', async () => {
    const bad = await emu.api('POST', '/v1/listen-sessions', { events: ['vehicle.craeted'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Did you mean 'vehicle.created'/);
    const a = await session();
    const b = await session({ events: ['vehicle.*'], label: 'two' });
    expect(a.secret).toMatch(/^whsec_/);
    expect(b.secret).toBe(a.secret);
    const list = await emu.api('GET', '/v1/listen-sessions');
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it('streams matching events in order, holds them while offline, resumes after the last ack, and records acks as attempts', async () => {
    const s = await session({ events: ['vehicle.*'] });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await trigger()).body.event.id);
    await trigger('session.ended'); // filtered out
    const c = await connect(s.ws_url);
    hello(c, null);
    await waitFor(() => c.events().length === 3);
    const welcome = c.msgs[0] as WelcomeMsg;
    expect(welcome).toMatchObject({ t: 'welcome', session_id: s.id, resume_after: 0 });
    expect(c.events().map((e) => e.id)).toEqual(ids);
    expect(JSON.parse(c.events()[0].body).id).toBe(ids[0]);
    ack(c, c.events()[0]);
    ack(c, c.events()[1], 500);
    await waitFor(async () => (await emu.api('GET', `/v1/listen-sessions/${s.id}`)).body.acked_seq === 2);
    c.ws.close();
    await c.closed;
    const d = await emu.api('GET', `/v1/deliveries?session_id=${s.id}`);
    const byEvent = Object.fromEntries(d.body.data.map((x: { event_id: string }) => [x.event_id, x]));
    expect(byEvent[ids[0]]).toMatchObject({ status: 'succeeded', last_status_code: 200, url: 'http://localhost:3000/hook' });
    expect(byEvent[ids[1]]).toMatchObject({ status: 'failed', last_status_code: 500 });
    // Offline: a new event waits; the next client resumes after seq 2.
    const late = (await trigger('vehicle.updated')).body.event.id;
    const c2 = await connect(s.ws_url);
    hello(c2, null);
    await waitFor(() => c2.events().length === 2);
    expect(c2.events().map((e) => e.id)).toEqual([ids[2], late]);
    c2.ws.close();
  });

  it('streams every event of a group commit (concurrent POSTs share one transaction), in seq order without gaps', async () => {
    const s = await session({ events: ['parts.inventory.low'] });
    const c = await connect(s.ws_url);
    hello(c, null, 1000);
    await waitFor(() => c.msgs.length >= 1);
    const posted = [];
    for (let round = 0; round < 3; round++) posted.push(...(await Promise.all(Array.from({ length: 20 }, () => trigger('parts.inventory.low')))));
    await waitFor(() => c.events().length === 60, { what: `60 events (have ${c.events().length})` });
    expect(c.events().map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(c.events().map((e) => e.id))).toEqual(new Set(posted.map((p) => p.body.event.id)));
    c.ws.close();
  });

  it('keeps at most `window` events unacknowledged', async () => {
    const s = await session({ events: ['parts.order.created'] });
    for (let i = 0; i < 5; i++) await trigger('parts.order.created');
    const c = await connect(s.ws_url);
    hello(c, null, 2);
    await waitFor(() => c.events().length === 2);
    await trigger('parts.order.created');
    ack(c, c.events()[0]);
    await waitFor(() => c.events().length === 3);
    expect(c.events().map((e) => e.seq)).toEqual([1, 2, 3]);
    c.ws.close();
  });

  it('closes only the socket that sends an oversized frame', async () => {
    const s = await session();
    const c = await connect(s.ws_url);
    c.ws.send('x'.repeat(1024 * 1024 + 10));
    expect((await c.closed).code).toBe(CLOSE.TOO_BIG);
    expect((await emu.api('GET', '/v1/health')).status).toBe(200);
  });

  it('closes with REVOKED when the listen secret is rotated, and 4404 when the session is deleted', async () => {
    const s = await session();
    const c = await connect(s.ws_url);
    hello(c, null);
    await waitFor(() => c.msgs.length >= 1);
    const rot = await emu.api('POST', '/v1/listen-secret/rotate');
    expect(rot.body.secret).not.toBe(s.secret);
    const closed = await c.closed;
    expect(closed.code).toBe(CLOSE.REVOKED);
    expect(closed.reason).toMatch(/rotated/);
    const s2 = await session();
    expect(s2.secret).toBe(rot.body.secret);
    const c2 = await connect(s2.ws_url);
    expect((await emu.api('DELETE', `/v1/listen-sessions/${s2.id}`)).body).toMatchObject({ deleted: true });
    expect((await c2.closed).code).toBe(CLOSE.SESSION_NOT_FOUND);
    expect((await emu.api('GET', `/v1/listen-sessions/${s2.id}`)).status).toBe(404);
  });

  it('replays recent history into a new session with `since`', async () => {
    const before = (await trigger('session.ended')).body.event.id;
    const s = await session({ events: ['session.ended'], since: 3600 });
    const c = await connect(s.ws_url);
    hello(c, null);
    await waitFor(() => c.events().some((e) => e.id === before));
    c.ws.close();
  });
});
