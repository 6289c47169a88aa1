// What the forwarder did reaches the Event Logs: held retries (receiver down), TUI replays (r / e) and
// `events replay` are attempts of the session delivery, with the right X-ProPitbox-Attempt number,
// their request headers and the response, so CLI, TUI and dashboard show one truth.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/contract/v1.js';
import { ListenSessionRunner } from '../../src/relay/listen-session.js';
import { RelayApi } from '../../src/relay/relay-api.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv, runCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!().catch(() => undefined);
});

async function setup(respond: Receiver['respond'], port = 0) {
  const emu = await startTestEmulator();
  cleanup.push(() => emu.close());
  const rx = await startReceiver(respond, port);
  cleanup.push(() => rx.close());
  const stateDir = mkdtempSync(join(tmpdir(), 'truth-'));
  const runner = new ListenSessionRunner({ api: new RelayApi(emu.url, emu.apiKey), profile: 'test', targets: [{ pattern: '*', url: `${rx.url}/hook` }], events: ['*'], stateDir });
  await runner.start();
  cleanup.push(() => runner.stop());
  await waitFor(async () => (await emu.api('GET', '/v1/listen-sessions')).body.data[0]?.connected);
  const trigger = async (type: string) => (await emu.api('POST', '/v1/events', { type })).body.event.id as string;
  const delivery = async (eventId: string) => {
    const list = (await emu.api('GET', `/v1/deliveries?event_id=${eventId}`)).body.data as Delivery[];
    return (await emu.api('GET', `/v1/deliveries/${list.find((d) => d.session_id)!.id}`)).body as Delivery;
  };
  return { emu, rx, runner, trigger, delivery, stateDir };
}

describe('the Event Logs show what the forwarder did', () => {
  it('a TUI replay (r) after a 500 is attempt #2: manual, numbered in its header, with request headers and the response', async () => {
    let fail = true;
    const { rx, runner, trigger, delivery } = await setup(() => (fail ? { status: 500, body: 'boom' } : { status: 200, body: 'fine' }));
    const id = await trigger('parts.inventory.low');
    await waitFor(async () => (await delivery(id)).status === 'failed');
    const first = await delivery(id);
    expect(first.attempts).toHaveLength(1);
    expect(first.attempts![0]).toMatchObject({ number: 1, status_code: 500, manual: false, response_body: 'boom' });
    expect(first.attempts![0].request_headers).toMatchObject({ 'x-propitbox-attempt': '1', 'x-propitbox-event-id': id, 'x-propitbox-signature': expect.stringMatching(/^[0-9a-f]{64}$/) });

    fail = false;
    await runner.replay(id);
    expect(rx.requests.at(-1)!.headers['x-propitbox-attempt']).toBe('2');
    const after = await delivery(id);
    expect(after).toMatchObject({ status: 'succeeded', attempt_count: 2, last_status_code: 200 });
    expect(after.attempts![1]).toMatchObject({ number: 2, status_code: 200, manual: true, response_body: 'fine' });
    expect(after.attempts![1].request_headers['x-propitbox-signature']).toBe(rx.requests.at(-1)!.headers['x-propitbox-signature']);

    // e (modify and replay): attempt #3 of the same delivery.
    await runner.replayBody(id, '{"edited":true}');
    expect(rx.requests.at(-1)!.headers['x-propitbox-attempt']).toBe('3');
    expect((await delivery(id)).attempts!.map((a) => [a.number, a.manual])).toEqual([[1, false], [2, true], [3, true]]);
  });

  it('held retries while the receiver is down are attempts too; the final one is numbered after them', async () => {
    let down = 2;
    const { rx, trigger, delivery } = await setup(() => (down-- > 0 ? { status: 200, destroy: true } : { status: 200 }));
    const id = await trigger('vehicle.created');
    await waitFor(async () => (await delivery(id)).status === 'succeeded');
    const d = await delivery(id);
    expect(d.attempts!.map((a) => [a.number, a.status_code])).toEqual([[1, null], [2, null], [3, 200]]);
    expect(d.attempts![0].error).toEqual(expect.any(String));
    expect(rx.requests.map((q) => q.headers['x-propitbox-attempt'])).toEqual(['1', '2', '3']);
    expect(d.attempts![2].request_headers['x-propitbox-attempt']).toBe('3');
  });

  it('`events replay EVT` after the listener is gone is recorded on the delivery as well', async () => {
    const { emu, rx, runner, trigger, delivery, stateDir } = await setup((q) => ({ status: q.headers['x-propitbox-attempt'] === '1' ? 503 : 200 }));
    const id = await trigger('session.ended');
    await waitFor(async () => (await delivery(id)).status === 'failed');
    const before = await delivery(id);
    await runner.stop(); // listen is gone; the delivery (and session) stay
    const env = isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey, PROPITBOX_STATE_DIR: stateDir, PROPITBOX_PROFILE: 'test' });
    // The history file is per profile, so replay must run as the profile listen used; it has to exist.
    expect((await runCli(['config', 'set', 'api_url', emu.url], { env })).code).toBe(0);
    const secret = (await emu.api('GET', '/v1/listen-secret')).body.secret as string;
    const r = await runCli(['events', 'replay', id, '--forward-to', `${rx.url}/hook`, '--secret', secret], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(rx.requests.at(-1)!.headers['x-propitbox-attempt']).toBe('2');
    const after = (await emu.api('GET', `/v1/deliveries/${before.id}`)).body as Delivery;
    expect(after).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    expect(after.attempts![1]).toMatchObject({ number: 2, manual: true, status_code: 200 });
  });
});

describe('one event id format', () => {
  it('trigger, webhooks test (CLI and dashboard route), resend and a bare POST /v1/events all make evt_ + 10 characters, like the seed', async () => {
    const emu = await startTestEmulator();
    cleanup.push(() => emu.close());
    const env = isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey });
    const ep = (await emu.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x', events: ['*'] })).body as { id: string };
    const seedFormat = /^evt_[a-z0-9]{10}$/;
    const ids = [
      JSON.parse((await runCli(['trigger', 'vehicle.created', '--json'], { env })).stdout).events[0].id,
      JSON.parse((await runCli(['webhooks', 'test', ep.id, '--json'], { env })).stdout).events[0].id,
      (await emu.api('POST', `/v1/webhooks/${ep.id}/test`, { type: 'vehicle.created' })).body.event.id,
      (await emu.api('POST', '/v1/events', { type: 'session.ended' })).body.event.id,
    ];
    for (const id of ids) expect(id).toMatch(seedFormat);
    // The conflicts name CLI commands, not API paths.
    const dup = await emu.api('POST', '/v1/events', { type: 'session.ended', id: ids[3] });
    expect(dup.body.error.message).toBe(`An event with id '${ids[3]}' already exists: send it again with \`propitbox events resend ${ids[3]}\`, or leave the id out to get a new one`);
    await emu.api('POST', `/v1/webhooks/${ep.id}/disable`);
    const off = await emu.api('POST', `/v1/webhooks/${ep.id}/test`, { type: 'vehicle.created' });
    expect(off.body.error.message).toBe(`Webhook endpoint ${ep.id} is disabled: enable it first (\`propitbox webhooks enable ${ep.id}\`, or Enable in the dashboard)`);
  });
});
