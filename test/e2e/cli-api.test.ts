// Every API command as a child process against a real emulator and a real receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv } from '../helpers/run-cli.js';
import { fails, ok, okJson } from './cli-helpers.js';
import { proPitboxSignature } from '../../src/signing/sign.js';

let emu: TestEmulator;
let rx: Receiver;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startTestEmulator();
  // /fail answers 500 forever; everything else 200.
  rx = await startReceiver((req) => (req.path.startsWith('/fail') ? { status: 500, body: 'boom' } : { status: 200, body: 'OK' }));
  env = isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey });
});
afterAll(async () => {
  await rx?.close();
  await emu?.close();
});

describe('webhooks', () => {
  it('create (seed example), list, get, update, disable/enable, rotate-secret, delete', async () => {
    const created = await okJson(['webhooks', 'create', '--url', `${rx.url}/webhooks/pro-pitbox`, '--events', 'vehicle.created,vehicle.updated,maintenance.task.created', '--description', 'Production webhook endpoint'], env);
    expect(created).toMatchObject({ id: expect.stringMatching(/^we_/), secret: expect.stringMatching(/^whsec_/), status: 'enabled', description: 'Production webhook endpoint' });
    const id = created.id as string;

    const human = await ok(['webhooks', 'create', '--url', `${rx.url}/other`, '--events', 'parts.*'], env);
    expect(human.stdout).toMatch(/Signing secret: whsec_\S+/);
    expect(human.stderr).toMatch(/Store this secret now/);

    const [list, table, got, gotSecret] = await Promise.all([
      okJson(['webhooks', 'list'], env),
      ok(['webhooks', 'list'], env),
      okJson(['webhooks', 'get', id], env),
      okJson(['webhooks', 'get', id, '--show-secret'], env),
    ]);
    expect(list.data.map((e: any) => e.id)).toContain(id);
    expect(table.stdout).toMatch(/^ID\s+STATUS\s+URL\s+EVENTS\s+CREATED/);
    expect(table.stdout).not.toMatch(/\x1b\[/); // not a TTY: no colour
    expect(got.secret).toBeUndefined();
    expect(gotSecret.secret).toBe(created.secret);

    const [updated, rotated, disabled] = await Promise.all([
      okJson(['webhooks', 'update', id, '--events', 'maintenance.task.*', '--description', ''], env),
      okJson(['webhooks', 'rotate-secret', id], env),
      okJson(['webhooks', 'disable', id], env),
    ]);
    expect(updated).toMatchObject({ events: ['maintenance.task.*'], description: null });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect(disabled.status).toBe('disabled');
    expect((await ok(['webhooks', 'enable', id], env)).stdout).toMatch(`${id} is now enabled`);

    expect((await ok(['webhooks', 'delete', id], env)).stdout).toMatch(`Deleted ${id}`);
    await fails(['webhooks', 'get', id], env, 1, new RegExp(id));
  });

  it('refuses bad input locally with exit 2 and the fix', async () => {
    await Promise.all([
      fails(['webhooks', 'create', '--url', 'ftp://example.com/x', '--events', '*'], env, 2, /--url 'ftp:\/\/example.com\/x' must be http:\/\/ or https:\/\//),
      fails(['webhooks', 'create', '--url', 'not a url', '--events', '*'], env, 2, /is not a valid URL/),
      fails(['webhooks', 'create', '--url', 'http://x.test', '--events', 'vehicle.craeted'], env, 2, /Unknown event type 'vehicle.craeted'. Did you mean 'vehicle.created'/),
      fails(['webhooks', 'update', 'we_x'], env, 2, /Nothing to update/),
      fails(['webhooks', 'list', '--limit', '500'], env, 2, /--limit must be a whole number from 1 to 100/),
    ]);
  });

  it('test sends a fixture event to that endpoint only and --wait reports the outcome', async () => {
    const a = await okJson(['webhooks', 'create', '--url', `${rx.url}/t1`, '--events', '*'], env);
    const r = await ok(['webhooks', 'test', a.id, 'parts.inventory.low', '--wait'], env);
    expect(r.stdout).toMatch(/Sent parts.inventory.low evt_\w+: 1 delivery/);
    expect(r.stdout).toMatch(/succeeded\s+200 .*\/t1/);
    const got = rx.requests.find((q) => q.path === '/t1')!;
    expect(JSON.parse(got.body).data.part.name).toEqual(expect.any(String));
    expect(got.headers['x-propitbox-signature']).toBe(proPitboxSignature(JSON.stringify(JSON.parse(got.body)), a.secret));
    await ok(['webhooks', 'delete', a.id], env);
  });
});

describe('trigger through the API, events and deliveries', () => {
  it('trigger -> deliveries list/get, events list/get/resend, retry of a failed one', async () => {
    const good = await okJson(['webhooks', 'create', '--url', `${rx.url}/good`, '--events', 'maintenance.task.*'], env);
    const bad = await okJson(['webhooks', 'create', '--url', `${rx.url}/fail`, '--events', 'maintenance.task.created'], env);

    // --wait: one delivery succeeds, one fails after the compressed retries -> exit 1 with one line.
    const t = await fails(['trigger', 'maintenance.task.created', '--override', 'data.task.type=tire_change', '--wait', '--json'], env, 1, /1 of 2 deliveries failed: inspect them with `propitbox deliveries list --event evt_/);
    const res = JSON.parse(t.stdout);
    const eventId = res.events[0].id as string;
    expect(res.deliveries.map((d: any) => d.status).sort()).toEqual(['failed', 'succeeded']);
    const body = JSON.parse(rx.requests.find((q) => q.path === '/good' && q.body.includes(eventId))!.body);
    expect(body.data.task.type).toBe('tire_change');
    expect(body.data.task.description).toBe('Regular oil change');

    const [dl, dlText, evs, ev] = await Promise.all([
      okJson(['deliveries', 'list', '--event', eventId], env),
      ok(['deliveries', 'list', '--status', 'failed'], env),
      okJson(['events', 'list', '--type', 'maintenance.task.created'], env),
      okJson(['events', 'get', eventId], env),
    ]);
    expect(dl.data).toHaveLength(2);
    const failed = dl.data.find((d: any) => d.endpoint_id === bad.id);
    expect(failed).toMatchObject({ status: 'failed', last_status_code: 500 });
    expect(dlText.stdout).toMatch(new RegExp(`${failed.id}\\s+failed\\s+500`));
    expect(evs.data[0].id).toBe(eventId);
    expect(ev).toEqual(res.events[0]);

    // filter by event type is done client-side
    const [detail, full, resent, byType] = await Promise.all([
      ok(['deliveries', 'get', failed.id], env),
      okJson(['deliveries', 'get', failed.id], env),
      okJson(['events', 'resend', eventId, '--endpoint', good.id], env),
      okJson(['deliveries', 'list', '--event', 'maintenance.task.created', '--endpoint', good.id], env),
    ]);
    expect(detail.stdout).toMatch(/Attempt 1/);
    expect(detail.stdout).toMatch(/response body:\n  boom/);
    expect(detail.stdout).toContain(`propitbox deliveries retry ${failed.id}`);
    expect(full.attempts.length).toBeGreaterThanOrEqual(2);
    expect(resent.deliveries).toHaveLength(1);
    expect(resent.deliveries[0].endpoint_id).toBe(good.id);
    expect(byType.data.length).toBeGreaterThan(0);
    expect(byType.data.every((d: any) => d.event_type === 'maintenance.task.created' && d.endpoint_id === good.id)).toBe(true);

    const retried = await okJson(['deliveries', 'retry', failed.id], env);
    expect(retried.id).toBe(failed.id);
    await Promise.all([ok(['webhooks', 'delete', good.id], env), ok(['webhooks', 'delete', bad.id], env)]);
  });

  it('--count sends N distinct events; nobody subscribed is a hint, not an error', async () => {
    const r = await ok(['trigger', 'session.ended', '--count', '3'], env);
    const ids = [...r.stdout.matchAll(/Sent session\.ended (evt_\w+): 0 deliveries/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(3);
    expect(r.stderr).toMatch(/No endpoint or listen session subscribes/);
    // ...but --wait promises "exit 1 if not delivered": nothing delivered is not a success
    const w = await fails(['trigger', 'session.ended', '--wait', '--json'], env, 1, /Nothing was delivered \(--wait\): no endpoint or listen session subscribes/);
    expect(JSON.parse(w.stdout)).toMatchObject({ deliveries: [], timed_out: false });
  });

  it('bad trigger input is exit 2 with one line', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(env.HOME!, 'fx-'));
    const badJson = join(dir, 'bad.json');
    writeFileSync(badJson, '{\n  "type": "vehicle.created",\n  "data": { "vehicle": { "name": "X", } }\n}\n');
    await Promise.all([
      fails(['trigger', 'maintenance.task.creatd'], env, 2, /Unknown event type 'maintenance.task.creatd'. Did you mean 'maintenance.task.created'.*Valid: vehicle.created/),
      fails(['trigger', '--fixture', badJson], env, 2, new RegExp(`${badJson}:3:39: bad JSON`)),
      fails(['trigger', 'maintenance.task.created', '--override', 'data.task.typo=x'], env, 2, /Path 'data.task.typo' does not exist in the fixture; closest existing path: 'data.task.type'/),
      fails(['trigger', 'maintenance.task.created', '--count', '0'], env, 2, /--count must be a whole number/),
      fails(['trigger', 'maintenance.task.created', '--wait', '--timeout', 'soon'], env, 2, /--timeout expects a duration/),
      fails(['deliveries', 'list', '--status', 'ok'], env, 2, /--status must be one of pending, succeeded, failed/),
    ]);
  });
});

describe('API problems are one line, exit 1', () => {
  it('wrong key, API down, no key, 404', async () => {
    const down = isolatedEnv({ PROPITBOX_API_URL: 'http://127.0.0.1:9', PROPITBOX_API_KEY: 'ppk_test_x' });
    await Promise.all([
      fails(['webhooks', 'list', '--api-key', 'ppk_test_wrong'], env, 1, new RegExp(`Invalid API key for ${emu.url}: run \`propitbox login\``)),
      fails(['trigger', 'vehicle.created'], { ...env, PROPITBOX_API_KEY: 'nope' }, 1, /Invalid API key/),
      fails(['events', 'list'], down, 1, /API unreachable at http:\/\/127.0.0.1:9: is `propitbox dev` running\?/),
      fails(['trigger', 'vehicle.created'], down, 1, /API unreachable at http:\/\/127.0.0.1:9/),
      fails(['deliveries', 'list'], isolatedEnv(), 1, /No API key: run `propitbox login` or start `propitbox dev`/),
      fails(['events', 'get', 'evt_doesnotexist'], env, 1, /evt_doesnotexist/),
      fails(['webhooks', 'list', '--api-url', 'ftp://x'], env, 2, /API URL 'ftp:\/\/x' must be http/),
    ]);
  });
});
