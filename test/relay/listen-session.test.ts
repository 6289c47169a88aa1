// The listen session as the TUI uses it: buffered events for a late subscriber, and the controller
// intents (replay, pause/resume, findEvent, search), against a real emulator and receiver.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/wait-for.js';
import { ListenSessionRunner } from '../../src/relay/listen-session.js';
import { RelayApi } from '../../src/relay/relay-api.js';
import type { ListenEvent } from '../../src/relay/listen-events.js';

let emu: TestEmulator;
let r: Receiver;
let runner: ListenSessionRunner;
const seen: ListenEvent[] = [];

beforeAll(async () => {
  emu = await startTestEmulator();
  r = await startReceiver();
  runner = new ListenSessionRunner({ api: new RelayApi(emu.url, emu.apiKey), profile: 'test', targets: [{ pattern: '*', url: `${r.url}/hook` }], events: ['*'], stateDir: mkdtempSync(join(tmpdir(), 'ls-')) });
  runner.observe((e) => seen.push(e));
  await runner.start();
});
afterAll(async () => {
  await runner?.stop();
  await r?.close();
  await emu?.close();
});

const trigger = async (type: string) => (await emu.api('POST', '/v1/events', { type })).body.event.id as string;

describe('listen session controller', () => {
  it('replays everything emitted before the first subscriber, in order', async () => {
    await waitFor(() => seen.some((e) => e.kind === 'ready'));
    const id = await trigger('vehicle.created');
    await waitFor(() => seen.some((e) => e.kind === 'response' && e.eventId === id));
    const got: ListenEvent[] = [];
    runner.subscribe((e) => got.push(e));
    expect(got.map((e) => e.kind)).toEqual(seen.map((e) => e.kind));
    expect(got.map((e) => e.kind)).toEqual(expect.arrayContaining(['connection', 'ready', 'event', 'attempt', 'response']));
    expect(got.findIndex((e) => e.kind === 'ready')).toBeLessThan(got.findIndex((e) => e.kind === 'event'));
  });

  it('replays an event re-signed, finds and searches it', async () => {
    const id = await trigger('parts.inventory.low');
    await waitFor(() => r.requests.some((q) => JSON.parse(q.body).id === id));
    const before = r.requests.length;
    await runner.replay(id);
    expect(r.requests).toHaveLength(before + 1);
    expect(r.requests.at(-1)!.body).toBe(r.requests.find((q) => JSON.parse(q.body).id === id)!.body);
    expect(seen.some((e) => e.kind === 'attempt' && e.eventId === id && e.replay)).toBe(true);
    expect(await runner.findEvent(id)).toMatchObject({ id, type: 'parts.inventory.low' });
    expect((await runner.search('parts.inventory', 5)).map((x) => x.id)).toContain(id);
    await runner.replayBody(id, '{"edited":true}');
    expect(r.requests.at(-1)!.body).toBe('{"edited":true}');
  });

  it('holds events while paused and forwards them on resume', async () => {
    runner.setPaused(true);
    const before = r.requests.length;
    const id = await trigger('session.ended');
    await waitFor(() => seen.some((e) => e.kind === 'event' && e.id === id));
    // A second round trip through the relay: had the first event not been held, its POST would have started by now.
    const id2 = await trigger('session.ended');
    await waitFor(() => seen.some((e) => e.kind === 'event' && e.id === id2));
    expect(seen.some((e) => e.kind === 'attempt' && (e.eventId === id || e.eventId === id2))).toBe(false);
    expect(r.requests).toHaveLength(before);
    runner.setPaused(false);
    await waitFor(() => r.requests.some((q) => JSON.parse(q.body).id === id));
    expect(seen.filter((e) => e.kind === 'paused').map((e) => (e as { paused: boolean }).paused)).toEqual([true, false]);
  });
});
