// A rolled-back event transaction must leave nothing behind in the relay: no staged rows in memory,
// no sequence numbers used up (the session log stays gap-free and last_seq matches what exists).
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventMsg, ServerMsg, WelcomeMsg } from '../../src/relay/protocol.js';
import { DEFAULT_OWNER, type StoredEvent } from '../../src/server/store/store.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { waitFor } from '../helpers/wait-for.js';

let emu: TestEmulator;
let ws: WebSocket | undefined;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  ws?.terminate();
  await emu?.close();
});

it('forgets the rows and sequence numbers of rolled-back events, in a group commit and in its per-event redo', async () => {
  const s = (await emu.api('POST', '/v1/listen-sessions', { events: ['*'] })).body as { id: string; ws_url: string };
  const sqlite = emu.emulator.context.sqlite;
  // A delivery insert that fails for one event after the relay has already appended it to the session log.
  const deliveries = sqlite.deliveryStore;
  const create = deliveries.createSessionDelivery.bind(deliveries);
  let explode = '';
  deliveries.createSessionDelivery = (eventId, ...rest) => {
    const d = create(eventId, ...rest);
    if (eventId === explode) throw new Error('write refused');
    return d;
  };
  const events = sqlite.eventStore;
  const insert = events.insert.bind(events);
  events.insert = (e: StoredEvent, owner?: string) => {
    if ((e.data as { explode?: boolean }).explode) explode = e.id;
    return insert(e, owner);
  };
  try {
    const d = emu.emulator.dispatcher;
    // One tick, one group: the refused event rolls the whole group back, then each is redone alone.
    const results = await Promise.allSettled([
      d.createGrouped(DEFAULT_OWNER, { type: 'vehicle.created', data: { n: 1 }, id: 'evt_rollback_a' }),
      d.createGrouped(DEFAULT_OWNER, { type: 'vehicle.created', data: { explode: true } }),
      d.createGrouped(DEFAULT_OWNER, { type: 'vehicle.updated', data: { n: 2 } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ event: { id: string } }>).value);
    expect(sqlite.sessionStore.stagedEvents).toBe(0);

    const info = (await emu.api('GET', `/v1/listen-sessions/${s.id}`)).body as { last_seq: number };
    expect(info.last_seq).toBe(2);

    const msgs: ServerMsg[] = [];
    ws = new WebSocket(s.ws_url, { headers: { authorization: `Bearer ${emu.apiKey}` } });
    ws.on('message', (m) => msgs.push(JSON.parse(m.toString())));
    await new Promise((r, j) => (ws!.once('open', r), ws!.once('error', j)));
    ws.send(JSON.stringify({ t: 'hello', v: 1, last_seq: null }));
    const received = () => msgs.filter((m): m is EventMsg => m.t === 'event');
    await waitFor(() => received().length === 2);
    expect((msgs.find((m) => m.t === 'welcome') as WelcomeMsg).last_seq).toBe(2);
    expect(received().map((e) => [e.seq, e.id])).toEqual(ok.map((r, i) => [i + 1, r.event.id]));

    // The next event continues the sequence without a gap and is served live.
    const next = await d.createGrouped(DEFAULT_OWNER, { type: 'vehicle.created', data: { n: 3 } });
    await waitFor(() => received().length === 3);
    expect(received()[2]).toMatchObject({ seq: 3, id: next.event.id });
  } finally {
    deliveries.createSessionDelivery = create;
    events.insert = insert;
  }
});
