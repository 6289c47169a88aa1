// kill -9 with 1,000 deliveries pending, restart on the same data dir: every event arrives (0 lost).
import { afterEach, expect, it } from 'vitest';
import { spawnTestEmulator, type SpawnedEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/wait-for.js';

const N = 1000;
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

it('resumes 1,000 pending deliveries after kill -9 and delivers every event', async () => {
  // The receiver is "down" (drops every connection) until the emulator has been killed.
  let up = false;
  const delivered = new Set<string>();
  const receiver: Receiver = await startReceiver((req) => {
    if (!up) return { status: 0, destroy: true };
    delivered.add(JSON.parse(req.body).id);
    return { status: 200, body: 'OK' };
  });
  cleanup.push(() => receiver.close());

  // Long enough retries that nothing gives up before the kill.
  const first: SpawnedEmulator = await spawnTestEmulator({ retrySchedule: '2s,2s,2s,2s,2s' });
  cleanup.push(() => first.kill9());
  const ep = await first.api('POST', '/v1/webhooks', { url: `${receiver.url}/hook`, events: ['*'] });
  expect(ep.status).toBe(201);

  const accepted: string[] = [];
  const poster = async (k: number) => {
    for (let i = k; i < N; i += 10) {
      const res = await first.api('POST', '/v1/events', { type: 'vehicle.updated', data: { vehicle: { id: `veh_${i}` } } });
      expect(res.status).toBe(201);
      accepted.push(res.body.event.id);
    }
  };
  await Promise.all(Array.from({ length: 10 }, (_, k) => poster(k)));
  expect(new Set(accepted).size).toBe(N);
  const pending = await first.api('GET', '/v1/deliveries?status=pending&limit=1');
  expect(pending.body.data.length).toBe(1);
  await first.kill9();

  up = true;
  const second = await spawnTestEmulator({ dataDir: first.dataDir });
  cleanup.push(() => second.stop());
  await waitFor(() => delivered.size >= N, { timeout: 40_000, what: `${N} distinct events at the receiver (have ${delivered.size})` });
  expect([...delivered].sort()).toEqual([...accepted].sort());
  const failed = await second.api('GET', '/v1/deliveries?status=failed&limit=1');
  expect(failed.body.data).toEqual([]);
  await waitFor(async () => (await second.api('GET', '/v1/deliveries?status=pending&limit=1')).body.data.length === 0, { what: 'no pending deliveries left' });
});

it('on SIGTERM leaves unanswered attempts pending, exits 143, and the next start delivers them', async () => {
  // Every request hangs until the gate opens: the emulator is stopped with attempts in flight.
  let open = false;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const delivered = new Set<string>();
  const receiver = await startReceiver(async (req) => {
    const afterRestart = open;
    if (!open) await gate;
    // Only what the restarted emulator sends counts (the first one's sockets are gone by then).
    if (afterRestart) delivered.add(JSON.parse(req.body).id);
    return { status: 200 };
  });
  cleanup.push(async () => {
    release();
    await receiver.close();
  });

  const first = await spawnTestEmulator({ timeout: '30s' });
  cleanup.push(() => first.kill9());
  await first.api('POST', '/v1/webhooks', { url: receiver.url, events: ['*'] });
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) ids.push((await first.api('POST', '/v1/events', { type: 'session.ended', data: { i } })).body.event.id);
  await receiver.waitForCount(32); // the per-endpoint cap is in flight
  expect(await first.stop()).toBe(143);

  open = true;
  release();
  const second = await spawnTestEmulator({ dataDir: first.dataDir });
  cleanup.push(() => second.stop());
  await waitFor(() => ids.every((id) => delivered.has(id)) || undefined, { what: `all 50 events delivered (have ${delivered.size})` });
  await waitFor(async () => (await second.api('GET', '/v1/deliveries?status=succeeded&limit=100')).body.data.length === 50, { what: '50 succeeded deliveries' });
});
