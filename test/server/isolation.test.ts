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
  await emu.api('POST', '/v1/webhooks', { url: `${stuck.url}/stuck`, events: ['vehicle.*'] });
  await emu.api('POST', '/v1/webhooks', { url: `${healthy.url}/ok`, events: ['vehicle.*', 'session.ended'] });

  for (let i = 0; i < 20; i++) expect((await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: { i } })).status).toBe(201);
  await stuck.waitForCount(4);
  await healthy.waitForCount(20);
  // The stuck endpoint got exactly its cap, and nothing of it was lost: the rest are still pending.
  expect(stuck.requests).toHaveLength(4);
  // The healthy endpoint's results are written a few ms after its answers: wait for them, then the
  // stuck endpoint's 20 are what is left pending.
  await waitFor(async () => (await emu.api('GET', '/v1/deliveries?status=pending&limit=100')).body.data.length === 20, { what: 'only the stuck endpoint’s 20 deliveries pending' });

  release();
  await waitFor(async () => (await emu.api('GET', '/v1/deliveries?status=succeeded&limit=100')).body.data.length === 40, { what: 'all 40 deliveries to succeed' });
  expect(new Set(stuck.requests.map((r) => JSON.parse(r.body).id)).size).toBe(20);
});
