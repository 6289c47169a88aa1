// The dispatcher's outbox: events, endpoint deliveries and session rows commit together or not at all,
// also when several API requests share one group commit and one of them fails while being written.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/server/store/store.js';
import { DEFAULT_OWNER } from '../../src/server/store/store.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

it('stores the exact body, fails a group member alone (bad input, duplicate id, a failed write) and leaves nothing of it', async () => {
  const session = (await emu.api('POST', '/v1/listen-sessions', { events: ['*'] })).body as { id: string };
  const events = emu.emulator.context.sqlite.eventStore;
  // A write that fails inside the transaction (as a full disk would), for one event only.
  const insert = events.insert.bind(events);
  events.insert = (e: StoredEvent, owner?: string) => {
    if ((e.data as { explode?: boolean }).explode) throw new Error('disk said no');
    return insert(e, owner);
  };
  try {
    const d = emu.emulator.dispatcher;
    // Same tick: one group commit with a duplicate id, a failing write and bad input in it.
    const results = await Promise.allSettled([
      d.createGrouped(DEFAULT_OWNER, { type: 'vehicle.created', data: { n: 1 }, id: 'evt_group_a' }),
      d.createGrouped(DEFAULT_OWNER, { type: 'vehicle.created', data: { n: 2 }, id: 'evt_group_a' }),
      d.createGrouped(DEFAULT_OWNER, { type: 'vehicle.created', data: { explode: true }, id: 'evt_group_b' }),
      d.createGrouped(DEFAULT_OWNER, { type: 'vehicle.nope', data: {} }),
      d.createGrouped(DEFAULT_OWNER, { type: 'session.ended', data: { n: 3 }, id: 'evt_group_c' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.statusCode).toBe(409);
    expect((results[2] as PromiseRejectedResult).reason.message).toBe('disk said no');
    expect((results[3] as PromiseRejectedResult).reason.statusCode).toBe(400);

    const ok = (results[0] as PromiseFulfilledResult<{ event: { created: string }; deliveries: { session_id: string | null }[] }>).value;
    expect(ok.deliveries).toEqual([expect.objectContaining({ session_id: session.id, endpoint_id: null })]);
    const stored = await emu.emulator.store.events.get(DEFAULT_OWNER, 'evt_group_a');
    expect(stored.body).toBe('{"id":"evt_group_a","type":"vehicle.created","created":"' + ok.event.created + '","data":{"n":1}}');

    // The failed one left nothing behind: no event, no delivery, no session row; the log has no gap.
    expect((await emu.api('GET', '/v1/events/evt_group_b')).status).toBe(404);
    expect((await emu.api('GET', '/v1/deliveries?event_id=evt_group_b')).body.data).toEqual([]);
    expect((await emu.api('GET', '/v1/events/evt_group_a')).body.data).toEqual({ n: 1 });
    const rows = await emu.emulator.store.sessions.read(session.id, 0, 10);
    expect(rows.map((r) => [r.seq, r.event_id])).toEqual([
      [1, 'evt_group_a'],
      [2, 'evt_group_c'],
    ]);
    expect(emu.emulator.context.sqlite.sessionStore.stagedEvents).toBe(0);
  } finally {
    events.insert = insert;
  }
});
