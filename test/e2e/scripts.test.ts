// Scripts get what they parse: one --json shape per command whatever the flags, repeatable list flags
// that add up, and list filters that run on the server (no false negatives past the first page).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv, runCli } from '../helpers/run-cli.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fails, ok, okJson } from './cli-helpers.js';

let emu: TestEmulator;
let rx: Receiver;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  emu = await startTestEmulator();
  rx = await startReceiver((req) => ({ status: req.path === '/fail' ? 500 : 200 }));
  env = isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey, PROPITBOX_WEBHOOK_SECRET: 'whsec_scripts' });
});
afterAll(async () => {
  await rx?.close();
  await emu?.close();
});

describe('trigger --json: one shape', () => {
  it('is {events, deliveries} (+ timed_out with --wait) for every combination of --count, --wait and --forward-to', async () => {
    const ep = await okJson(['webhooks', 'create', '--url', `${rx.url}/ok`, '--events', 'vehicle.created'], env);
    for (const count of ['1', '2'])
      for (const mode of [[], ['--wait'], ['--forward-to', `${rx.url}/direct`]]) {
        const args = ['trigger', 'vehicle.created', '--count', count, ...mode, '--json'];
        const r = await ok(args, env);
        const out = JSON.parse(r.stdout);
        const what = args.join(' ');
        expect(Object.keys(out), what).toEqual(mode[0] === '--wait' ? ['events', 'deliveries', 'timed_out'] : ['events', 'deliveries']);
        expect(out.events, what).toHaveLength(Number(count));
        expect(out.events[0], what).toMatchObject({ id: expect.stringMatching(/^evt_/), type: 'vehicle.created' });
        expect(out.deliveries, what).toHaveLength(Number(count));
        if (mode[0] === '--forward-to') expect(out.deliveries[0], what).toMatchObject({ status_code: 200, event_id: out.events[0].id });
        else expect(out.deliveries[0], what).toMatchObject({ endpoint_id: ep.id, status: mode[0] === '--wait' ? 'succeeded' : expect.any(String) });
      }
    // webhooks test is "trigger to one endpoint": the same shape.
    const t = await okJson(['webhooks', 'test', ep.id, 'vehicle.created'], env);
    expect(Object.keys(t)).toEqual(['events', 'deliveries']);
    await ok(['webhooks', 'delete', ep.id], env);
  });
});

describe('repeatable list flags add up', () => {
  it('--events repeated and comma lists combine (create, update)', async () => {
    const ep = await okJson(['webhooks', 'create', '--url', `${rx.url}/r`, '--events', 'vehicle.created', '--events', 'maintenance.task.*,parts.inventory.low', '--events', 'vehicle.created'], env);
    expect(ep.events).toEqual(['vehicle.created', 'maintenance.task.*', 'parts.inventory.low']);
    const up = await okJson(['webhooks', 'update', ep.id, '--events', 'session.ended', '--events', 'vehicle.updated'], env);
    expect(up.events).toEqual(['session.ended', 'vehicle.updated']);
    await ok(['webhooks', 'delete', ep.id], env);
  });

  it('webhooks listen --events repeated subscribes the session to all of them', async () => {
    const r = await runCli(['webhooks', 'listen', '--forward-to', rx.url, '--events', 'vehicle.created', '--events', 'session.ended,parts.*', '--format', 'json', '--timeout', '1s'], { env });
    const ready = JSON.parse(r.stdout.split('\n').find((l) => l.includes('"kind":"ready"'))!);
    expect(ready.events).toEqual(['vehicle.created', 'session.ended', 'parts.*']);
  });
});

describe('list filters run on the server', () => {
  it('deliveries list --event TYPE finds deliveries past the first page; events list filters by endpoint and status; "more available"', async () => {
    const good = await okJson(['webhooks', 'create', '--url', `${rx.url}/good`, '--events', '*'], env);
    const bad = await okJson(['webhooks', 'create', '--url', `${rx.url}/fail`, '--events', 'parts.order.created'], env);
    expect((await runCli(['trigger', 'parts.order.created', '--count', '2', '--wait'], { env })).code).toBe(1); // the /fail ones fail
    await ok(['trigger', 'vehicle.updated', '--count', '25'], env); // 25 newer deliveries bury them past a page of 20

    const rare = await okJson(['deliveries', 'list', '--event', 'parts.order.created'], env);
    expect(rare.data).toHaveLength(4);
    expect(rare.data.every((d: { event_type: string }) => d.event_type === 'parts.order.created')).toBe(true);
    const paged = await ok(['deliveries', 'list', '--event', 'parts.order.created', '--limit', '3'], env);
    expect(paged.stderr).toMatch(/More available: add --starting-after dlv_\w+/);

    const failed = await okJson(['events', 'list', '--endpoint', bad.id, '--status', 'failed'], env);
    expect(failed.data.map((e: { type: string }) => e.type)).toEqual(['parts.order.created', 'parts.order.created']);
    const viaApi = await emu.api('GET', `/v1/events?event_type=parts.order.created&endpoint_id=${good.id}&status=succeeded`);
    expect(viaApi.body.data).toHaveLength(2);
    expect((await emu.api('GET', '/v1/events?endpoint_id=we_x%27%20OR%201=1')).status).toBe(400);
    await Promise.all([ok(['webhooks', 'delete', good.id], env), ok(['webhooks', 'delete', bad.id], env)]);
  });
});

describe('a rendered fixture, sent more than once', () => {
  it('fixtures show --render > my.json && trigger --fixture my.json --count 2 sends two events; --keep-ids says what was sent before the duplicate', async () => {
    const my = join(env.HOME!, 'my.json');
    writeFileSync(my, (await ok(['fixtures', 'show', 'maintenance.task.created', '--render'], env)).stdout);
    const two = await okJson(['trigger', '--fixture', my, '--count', '2'], env);
    expect(two.events).toHaveLength(2);
    expect(new Set(two.events.map((e: { id: string }) => e.id)).size).toBe(2);

    const kept = await fails(['trigger', '--fixture', my, '--count', '2', '--keep-ids'], env, 1, /^error: Sent 1 of 2 events \(evt_\w+\), then the next one failed: .*evt_\w+/);
    expect(kept.stdout).toMatch(/^Sent maintenance\.task\.created evt_\w+: \d+ deliver/);
    const keptJson = await fails(['trigger', '--fixture', my, '--keep-ids', '--json'], env, 1, /already exists|duplicate/i);
    expect(keptJson.stdout).toBe(''); // nothing was sent: nothing to report
    await fails(['trigger', 'vehicle.created', '--keep-ids'], env, 2, /--keep-ids applies to a --fixture file/);
  });
});
