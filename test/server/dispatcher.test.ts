// The dispatcher's outbox: events, endpoint deliveries and sink rows commit together or not at all,
// also when several API requests share one group commit.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Delivery } from '../../src/contract/v1.js';
import type { StoredEvent } from '../../src/server/dispatcher.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

it('gives sinks the exact stored body inside the transaction, fails a group member alone, and tells sinks about rollbacks', async () => {
  const seen: StoredEvent[] = [];
  const committed: string[] = [];
  const unregister = emu.emulator.dispatcher.registerSink({
    fanOut(event): Delivery[] {
      if ((event.data as { explode?: boolean }).explode) throw new Error('sink refused');
      seen.push(event);
      return [emu.emulator.deliveries.createSessionDelivery(event.id, 'ls_test', 'http://localhost:3000/x')];
    },
    afterCommit: (event) => committed.push(event.id),
    rollback: (event) => {
      const i = seen.findIndex((e) => e.id === event.id);
      if (i >= 0) seen.splice(i, 1);
    },
  });
  try {
    const d = emu.emulator.dispatcher;
    // Same tick: one group commit with a duplicate id and a sink failure in it.
    const results = await Promise.allSettled([
      d.createGrouped({ type: 'vehicle.created', data: { n: 1 }, id: 'evt_group_a' }),
      d.createGrouped({ type: 'vehicle.created', data: { n: 2 }, id: 'evt_group_a' }),
      d.createGrouped({ type: 'vehicle.created', data: { explode: true }, id: 'evt_group_b' }),
      d.createGrouped({ type: 'vehicle.nope', data: {} }),
      d.createGrouped({ type: 'session.ended', data: { n: 3 }, id: 'evt_group_c' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.statusCode).toBe(409);
    expect((results[3] as PromiseRejectedResult).reason.statusCode).toBe(400);

    const ok = (results[0] as PromiseFulfilledResult<{ deliveries: Delivery[] }>).value;
    expect(ok.deliveries).toEqual([expect.objectContaining({ session_id: 'ls_test', endpoint_id: null })]);
    expect(seen.map((e) => e.id)).toEqual(['evt_group_a', 'evt_group_c']);
    expect(seen[0].body).toBe('{"id":"evt_group_a","type":"vehicle.created","created":"' + seen[0].created + '","data":{"n":1}}');
    expect(committed).toEqual(['evt_group_a', 'evt_group_c']);

    // The failed one left nothing behind: no event, no delivery.
    expect((await emu.api('GET', '/v1/events/evt_group_b')).status).toBe(404);
    expect((await emu.api('GET', '/v1/deliveries?event_id=evt_group_b')).body.data).toEqual([]);
    expect((await emu.api('GET', '/v1/events/evt_group_a')).body.data).toEqual({ n: 1 });

    // The relay records the CLI's answer through the store.
    const rec = emu.emulator.deliveries.recordSessionAttempt(ok.deliveries[0].id, {
      started_at: new Date().toISOString(), duration_ms: 3, status_code: 200, error: null, request_headers: {}, response_headers: {}, response_body: 'OK', manual: false,
    });
    expect(rec).toMatchObject({ status: 'succeeded', attempt_count: 1, last_status_code: 200 });
  } finally {
    unregister();
  }
});
