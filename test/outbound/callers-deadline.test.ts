// Every sender that uses the outbound module stops at its deadline when a receiver trickles its answer
// (head at once, then a byte every 200 ms for 3.6 s): the delivery engine, the listen forwarder, and
// `trigger --forward-to` / `events replay` as the user runs them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startTrickler, type Trickler } from '../helpers/trickle-receiver.js';
import { isolatedEnv, runCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { ListenSessionRunner } from '../../src/relay/listen-session.js';
import { RelayApi } from '../../src/relay/relay-api.js';
import type { ListenEvent } from '../../src/relay/listen-events.js';

const SECRET = 'whsec_c2VjcmV0LWZvci10ZXN0cy0xMjM0NTY3ODkw';
let emu: TestEmulator;
let trickler: Trickler;

beforeAll(async () => {
  emu = await startTestEmulator({ deliveryTimeoutMs: 1_000 });
  trickler = await startTrickler();
});
afterAll(async () => {
  await trickler?.close();
  await emu?.close();
});

/** At the deadline: not cut early, and far from the 3.6 s the whole trickle takes (with room for a busy machine). */
const LATE = 2_500;
const nearOneSecond = (ms: number) => {
  expect(ms).toBeGreaterThanOrEqual(990);
  expect(ms).toBeLessThan(LATE);
};

describe('a trickling receiver with a 1 s deadline', () => {
  it('the delivery engine records a timeout attempt at ~1 s', async () => {
    const ep = (await emu.api('POST', '/v1/webhooks', { url: `${trickler.url}/engine`, events: ['vehicle.created'] })).body;
    const sent = (await emu.api('POST', '/v1/events', { type: 'vehicle.created' })).body;
    const id = sent.deliveries.find((d: { endpoint_id: string }) => d.endpoint_id === ep.id).id;
    const attempt = await waitFor(async () => (await emu.api('GET', `/v1/deliveries/${id}`)).body.attempts[0], { what: 'the first attempt' });
    expect(attempt).toMatchObject({ status_code: null, error: 'timeout after 1000 ms' });
    nearOneSecond(attempt.duration_ms);
    await emu.api('DELETE', `/v1/webhooks/${ep.id}`);
  });

  it('the listen forwarder reports a timeout at ~1 s and holds the event for a retry', async () => {
    const seen: ListenEvent[] = [];
    const runner = new ListenSessionRunner({
      api: new RelayApi(emu.url, emu.apiKey),
      profile: 'test',
      targets: [{ pattern: '*', url: `${trickler.url}/listen` }],
      events: ['parts.order.created'],
      forwardTimeoutMs: 1_000,
      stateDir: mkdtempSync(join(tmpdir(), 'ob-listen-')),
    });
    runner.observe((e) => seen.push(e));
    await runner.start();
    try {
      await waitFor(() => seen.some((e) => e.kind === 'ready'), { what: 'ready' });
      await emu.api('POST', '/v1/events', { type: 'parts.order.created' });
      const first = await waitFor(() => seen.find((e) => e.kind === 'response'), { what: 'the first response' });
      expect(first).toMatchObject({ status: null, error: 'timeout after 1000 ms', willRetry: true });
      nearOneSecond((first as { durationMs: number }).durationMs);
      expect(seen.find((e) => e.kind === 'receiver')).toMatchObject({ up: false, error: 'timeout after 1000 ms' });
    } finally {
      await runner.stop();
    }
  });

  it('trigger --forward-to and events replay exit 1 with a timeout line at ~1 s, not 0 after 3.6 s', async () => {
    const env = isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey });
    const event = (await emu.api('POST', '/v1/events', { type: 'session.ended' })).body.event;
    const run = (args: string[]) => runCli([...args, '--secret', SECRET, '--timeout', '1s', '--json'], { env });
    const [trigger, replay] = await Promise.all([
      run(['trigger', 'vehicle.created', '--forward-to', `${trickler.url}/trigger`]),
      run(['events', 'replay', event.id, '--forward-to', `${trickler.url}/replay`]),
    ]);
    // trigger --json prints {events, deliveries}; replay prints its one result.
    const results = [JSON.parse(trigger.stdout).deliveries[0], JSON.parse(replay.stdout)];
    for (const [i, r] of [trigger, replay].entries()) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^error: Receiver at http:\/\/127\.0\.0\.1:\d+\/\w+ did not answer within 1 s: is your app stuck\?\n$/);
      const out = results[i];
      expect(out).toMatchObject({ status_code: null, error: 'timeout after 1000 ms', error_kind: 'timeout' });
      nearOneSecond(out.duration_ms);
    }
    // Each command dropped its connection at the deadline (timed by the receiver, so a slow start-up
    // on a busy machine does not count): the trickle alone would have taken 3.6 s.
    for (const path of ['/trigger', '/replay']) {
      const seen = await waitFor(() => trickler.requests.find((q) => q.path === path && q.closedAt !== null), { what: `${path} closed` });
      expect(seen.closedAt! - seen.at).toBeLessThan(LATE);
    }
  });
});
