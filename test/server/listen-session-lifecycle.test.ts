// Listen sessions do not outlive their client by a day: one that is not durable and has had no client
// for the idle grace is deleted (its undelivered events fail, saying why); a durable one stays.
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Delivery, ListenSession } from '../../src/contract/v1.js';
import { relayFor } from '../../src/server/relay/index.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { waitFor } from '../helpers/wait-for.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

const relay = () => relayFor(emu.emulator.context, emu.emulator.app);
const session = async (body: object) => (await emu.api('POST', '/v1/listen-sessions', body)).body as ListenSession;

it('deletes an idle session after the grace, fails its pending deliveries with the reason, and keeps durable ones', async () => {
  const idle = await session({ events: ['vehicle.*'], targets: ['http://localhost:3000/hooks'] });
  const kept = await session({ events: ['vehicle.*'], durable: true });
  expect(idle).toMatchObject({ durable: false, targets: ['http://localhost:3000/hooks'], connected: false, expires_at: expect.any(String) });
  expect(kept).toMatchObject({ durable: true, targets: [], expires_at: null });
  const ev = (await emu.api('POST', '/v1/events', { type: 'vehicle.created' })).body as { deliveries: Delivery[] };
  const mine = ev.deliveries.find((d) => d.session_id === idle.id)!;

  const grace = relay().graceMs;
  expect(grace).toBe(5 * 60_000);
  expect(await emu.emulator.store.sessions.expireIdle(Date.now() + grace - 5_000)).toEqual([]);
  expect(await emu.emulator.store.sessions.expireIdle(Date.now() + grace + 1_000)).toEqual([idle.id]);

  expect((await emu.api('GET', `/v1/listen-sessions/${idle.id}`)).status).toBe(404);
  expect((await emu.api('GET', `/v1/listen-sessions/${kept.id}`)).status).toBe(200);
  const after = (await emu.api('GET', `/v1/deliveries/${mine.id}`)).body as Delivery;
  expect(after).toMatchObject({ status: 'failed', last_error: 'dropped: the listen session expired (no client connected for 5 min)' });
  await emu.api('DELETE', `/v1/listen-sessions/${kept.id}`);
});

it('never expires a session while a client is connected, and starts the grace when it leaves', async () => {
  const s = await session({ events: ['*'] });
  const ws = new WebSocket(s.ws_url, { headers: { authorization: `Bearer ${emu.apiKey}` } });
  await new Promise((r) => ws.once('open', r));
  await waitFor(async () => ((await emu.api('GET', `/v1/listen-sessions/${s.id}`)).body as ListenSession).connected);
  expect(((await emu.api('GET', `/v1/listen-sessions/${s.id}`)).body as ListenSession).expires_at).toBeNull();
  expect(await emu.emulator.store.sessions.expireIdle(Date.now() + 3_600_000)).toEqual([]);

  ws.close();
  await waitFor(async () => !((await emu.api('GET', `/v1/listen-sessions/${s.id}`)).body as ListenSession).connected);
  const left = (await emu.api('GET', `/v1/listen-sessions/${s.id}`)).body as ListenSession;
  expect(Date.parse(left.expires_at!)).toBeGreaterThan(Date.now() + relay().graceMs - 60_000);
  expect(await emu.emulator.store.sessions.expireIdle(Date.now() + relay().graceMs + 2_000)).toEqual([s.id]);
});
