// A rolled-back event transaction must leave nothing behind in the relay: no staged rows in memory,
// no sequence numbers used up (the session log stays gap-free and last_seq matches what exists).
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Delivery } from '../../src/contract/v1.js';
import type { EventMsg, ServerMsg, WelcomeMsg } from '../../src/relay/protocol.js';
import { relayFor } from '../../src/server/relay/index.js';
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
  const relay = relayFor(emu.emulator.context, emu.emulator.app);
  // A second sink that refuses one event after the relay has already appended it.
  const unregister = emu.emulator.dispatcher.registerSink({
    fanOut(event): Delivery[] {
      if ((event.data as { explode?: boolean }).explode) throw new Error('sink refused');
      return [];
    },
  });
  try {
    const d = emu.emulator.dispatcher;
    // One tick, one group: the refused event rolls the whole group back, then each is redone alone.
    const results = await Promise.allSettled([
      d.createGrouped({ type: 'vehicle.created', data: { n: 1 }, id: 'evt_rollback_a' }),
      d.createGrouped({ type: 'vehicle.created', data: { explode: true } }),
      d.createGrouped({ type: 'vehicle.updated', data: { n: 2 } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ event: { id: string }; deliveries: Delivery[] }>).value);
    expect(relay.sessions.stagedEvents).toBe(0);

    const info = (await emu.api('GET', `/v1/listen-sessions/${s.id}`)).body as { last_seq: number };
    expect(info.last_seq).toBe(2);

    const msgs: ServerMsg[] = [];
    ws = new WebSocket(s.ws_url, { headers: { authorization: `Bearer ${emu.apiKey}` } });
    ws.on('message', (m) => msgs.push(JSON.parse(m.toString())));
    await new Promise((r, j) => (ws!.once('open', r), ws!.once('error', j)));
    ws.send(JSON.stringify({ t: 'hello', v: 1, last_seq: null }));
    const events = () => msgs.filter((m): m is EventMsg => m.t === 'event');
    await waitFor(() => events().length === 2);
    expect((msgs[0] as WelcomeMsg).last_seq).toBe(2);
    expect(events().map((e) => [e.seq, e.id])).toEqual(ok.map((r, i) => [i + 1, r.event.id]));

    // The next event continues the sequence without a gap and is served live.
    const next = await d.createGrouped({ type: 'vehicle.created', data: { n: 3 } });
    await waitFor(() => events().length === 3);
    expect(events()[2]).toMatchObject({ seq: 3, id: next.event.id });
  } finally {
    unregister();
  }
});
