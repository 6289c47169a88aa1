// A listen session whose client stays away is bounded (10,000 events, 24 h). Events dropped by those
// limits must not stay `pending` forever in the Event Logs: they fail, saying why.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Delivery } from '../../src/contract/v1.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { DEFAULT_OWNER } from '../../src/server/store/store.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

const COUNT_ERROR = 'dropped: listen session backlog limit (10,000 events) reached while no client was connected';

it('fails the session deliveries of events dropped by the backlog limits, visible in GET /v1/deliveries', async () => {
  const s = (await emu.api('POST', '/v1/listen-sessions', { events: ['vehicle.*'] })).body as { id: string };
  const ids: string[] = [];
  // 10,100 events through the API's group-commit path (chunks share transactions, like concurrent POSTs).
  for (let chunk = 0; chunk < 10_100 / 1010; chunk++) {
    const batch = await Promise.all(Array.from({ length: 1010 }, (_, i) => emu.emulator.dispatcher.createGrouped(DEFAULT_OWNER, { type: 'vehicle.updated', data: { n: chunk * 1010 + i } })));
    ids.push(...batch.map((r) => r.event.id));
  }

  const failed = await emu.api('GET', `/v1/deliveries?session_id=${s.id}&status=failed&limit=100`);
  expect(failed.status).toBe(200);
  expect(failed.body.has_more).toBe(false);
  expect(failed.body.data).toHaveLength(100);
  for (const d of failed.body.data as Delivery[]) expect(d).toMatchObject({ status: 'failed', last_error: COUNT_ERROR, next_attempt_at: null, session_id: s.id });
  // The oldest went first.
  expect((failed.body.data as Delivery[]).map((d) => d.event_id).sort()).toEqual(ids.slice(0, 100).sort());
  const oldest = (await emu.api('GET', `/v1/deliveries?event_id=${ids[0]}`)).body.data as Delivery[];
  expect(oldest).toEqual([expect.objectContaining({ status: 'failed', last_error: COUNT_ERROR })]);
  const kept = (await emu.api('GET', `/v1/deliveries?event_id=${ids[100]}`)).body.data as Delivery[];
  expect(kept).toEqual([expect.objectContaining({ status: 'pending', last_error: null })]);

  // The age limit: a day later the rest is dropped too, with its own reason.
  expect(await emu.emulator.store.sessions.expire(Date.now() + 25 * 3600 * 1000)).toBe(10_000);
  const aged = (await emu.api('GET', `/v1/deliveries/${kept[0].id}`)).body as Delivery;
  expect(aged).toMatchObject({ status: 'failed', last_error: 'dropped: listen session backlog older than 24 h while no client acknowledged it' });
  const pending = await emu.api('GET', `/v1/deliveries?session_id=${s.id}&status=pending&limit=1`);
  expect(pending.body.data).toEqual([]);
});

it('fails the undelivered events of a closed (deleted) listen session', async () => {
  const s = (await emu.api('POST', '/v1/listen-sessions', { events: ['session.*'] })).body as { id: string };
  const ev = (await emu.api('POST', '/v1/events', { type: 'session.ended' })).body as { deliveries: Delivery[] };
  const mine = ev.deliveries.find((d) => d.session_id === s.id)!;
  expect(mine.status).toBe('pending');
  expect((await emu.api('DELETE', `/v1/listen-sessions/${s.id}`)).status).toBe(200);
  const after = (await emu.api('GET', `/v1/deliveries/${mine.id}`)).body as Delivery;
  expect(after).toMatchObject({ status: 'failed', last_error: 'dropped: the listen session was closed before a client acknowledged it' });
});
