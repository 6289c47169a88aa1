// A stuck endpoint uses at most its own share of the engine: other endpoints keep being delivered.
import { afterEach, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

it('keeps delivering to a healthy endpoint while another one holds every request open', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const stuck: Receiver = await startReceiver(async () => {
    await gate;
    return { status: 200 };
  });
  const healthy: Receiver = await startReceiver();
  const emu: TestEmulator = await startTestEmulator({ deliveryTimeoutMs: 30_000, perEndpoint: 4, maxInFlight: 8 });
  cleanup.push(async () => {
    release();
    await emu.close();
    await stuck.close();
    await healthy.close();
  });
  const stuckId = (await emu.api('POST', '/v1/webhooks', { url: `${stuck.url}/stuck`, events: ['vehicle.*'] })).body.id as string;
  const okId = (await emu.api('POST', '/v1/webhooks', { url: `${healthy.url}/ok`, events: ['vehicle.*', 'session.ended'] })).body.id as string;
  // Counts come from the stored outcomes (what the Event Logs say), not from receiver hits, which a
  // loaded machine can see before or after the results are written.
  const count = async (endpoint: string, status: string) => (await emu.api('GET', `/v1/deliveries?endpoint_id=${endpoint}&status=${status}&limit=100`)).body.data.length as number;

  for (let i = 0; i < 20; i++) expect((await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: { i } })).status).toBe(201);
  await waitFor(async () => (await count(okId, 'succeeded')) === 20, { what: 'the healthy endpoint’s 20 deliveries to succeed' });
  // Meanwhile the stuck endpoint holds exactly its cap open, and nothing of it was lost: all 20 pending.
  await stuck.waitForCount(4);
  expect(stuck.requests).toHaveLength(4);
  expect(await count(stuckId, 'pending')).toBe(20);

  release();
  await waitFor(async () => (await count(stuckId, 'succeeded')) === 20, { what: 'the stuck endpoint’s 20 deliveries to succeed once released' });
  expect(new Set(stuck.requests.map((r) => JSON.parse(r.body).id)).size).toBe(20);
});
