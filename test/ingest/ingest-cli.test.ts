// `propitbox ingest …` as a child process against a real emulator (the relay is the API here) and
// against a second server given with --relay/--relay-key.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isolatedEnv, runCli } from '../helpers/run-cli.js';
import { startReceiver } from '../helpers/receiver.js';
import { fails, ok, okJson } from '../e2e/cli-helpers.js';

let emu: TestEmulator;
let relay: TestEmulator;
let env: NodeJS.ProcessEnv;
const RELAY_KEY = 'ppk_test_relay_key_abcdefghijklmnop';

beforeAll(async () => {
  [emu, relay] = await Promise.all([startTestEmulator(), startTestEmulator({ apiKey: RELAY_KEY })]);
  env = isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey });
});
afterAll(async () => {
  await Promise.all([emu?.close(), relay?.close()]);
});

describe('propitbox ingest', () => {
  it('create, list, get, requests, show (text, hex, --body), rotate-url, delete', async () => {
    const c = await okJson(['ingest', 'create', '--description', 'gh', '--status', '200', '--response-body', 'OK'], env);
    expect(c).toMatchObject({ id: expect.stringMatching(/^ich_/), url: expect.stringMatching(/\/in\/[a-z2-7]{26}$/), response: { status: 200, body: 'OK' } });
    const human = await ok(['ingest', 'list'], env);
    expect(human.stdout).toContain(c.url);
    expect((await okJson(['ingest', 'get', c.id], env)).url).toBe(c.url);

    const binary = Buffer.concat([Buffer.from([0, 1, 2, 0xff]), randomBytes(32)]);
    const sent = await fetch(`${c.url}/hooks/gh?delivery=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push' }, body: '{"zen":"Keep it logically awesome."}' });
    expect([sent.status, await sent.text()]).toEqual([200, 'OK']);
    await (await fetch(c.url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: binary })).arrayBuffer();
    const table = await ok(['ingest', 'requests', c.id], env);
    expect(table.stdout).toMatch(/POST\s+\/hooks\/gh\?delivery=1\s+application\/json/);
    expect(table.stdout).toMatch(/PUT\s+\/\s+application\/octet-stream\s+36 B\s+-\s+pending/);
    const list = await okJson(['ingest', 'requests', c.id], env);
    const [putId, postId] = list.data.map((r: { id: string }) => r.id);
    const text = await ok(['ingest', 'show', postId], env);
    expect(text.stdout).toMatch(/x-github-event: push/);
    expect(text.stdout).toContain('{"zen":"Keep it logically awesome."}');
    expect((await ok(['ingest', 'show', putId], env)).stdout).toMatch(/00000000 {2}00 01 02 ff/);
    expect((await runCli(['ingest', 'show', postId, '--body'], { env })).stdout).toBe('{"zen":"Keep it logically awesome."}');

    const rotated = await okJson(['ingest', 'rotate-url', c.id], env);
    expect(rotated.url).not.toBe(c.url);
    expect((await fetch(c.url, { method: 'POST', body: 'x' })).status).toBe(410);
    await ok(['ingest', 'delete', c.id], env);
    await fails(['ingest', 'get', c.id], env, 1, /No such ingest channel/);
  });

  it('--relay needs its own key (the API key is never sent to another server), from flags or env', async () => {
    await fails(['ingest', 'list', '--relay', relay.url], env, 2, /No key for the relay at .*: pass --relay-key KEY or set PROPITBOX_RELAY_KEY/);
    const c = await okJson(['ingest', 'create', '--relay', relay.url, '--relay-key', RELAY_KEY], env);
    expect(c.url.startsWith(relay.url)).toBe(true);
    const viaEnv = await okJson(['ingest', 'list'], { ...env, PROPITBOX_RELAY_URL: relay.url, PROPITBOX_RELAY_KEY: RELAY_KEY });
    expect(viaEnv.data.map((x: { id: string }) => x.id)).toContain(c.id);
    expect((await okJson(['ingest', 'list'], env)).data.map((x: { id: string }) => x.id)).not.toContain(c.id);
  });

  it('fixtures capture: a received event (req_) or a logged one (evt_) becomes a template that trigger sends', async () => {
    const c = await okJson(['ingest', 'create'], env);
    const event = { id: 'evt_1a2b3c4d5e6f', type: 'parts.inventory.low', created: '2024-12-25T10:30:00Z', data: { part: { id: 'prt_abc123def4', name: 'Spur gear', quantity: 1, restock_by: '2024-12-27' } } };
    const req = await (await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) })).json();
    const dir = mkdtempSync(join(tmpdir(), 'propitbox-fx-'));
    const out = join(dir, 'low.json');
    const r = await ok(['fixtures', 'capture', req.id, '--out', out], env);
    expect(r.stderr).toMatch(/Wrote .*low\.json \(parts\.inventory\.low\): send it with `propitbox trigger --fixture/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ id: '{{id:evt}}', type: 'parts.inventory.low', created: '{{now}}', data: { part: { id: '{{id:prt}}', name: 'Spur gear', quantity: 1, restock_by: '{{date:+2d}}' } } });
    await fails(['fixtures', 'capture', req.id, '--out', out], env, 2, /exists: pass --force/);
    const sent = await okJson(['trigger', '--fixture', out], env);
    expect(sent.events[0]).toMatchObject({ type: 'parts.inventory.low', data: { part: { name: 'Spur gear' } } });
    expect(sent.events[0].id).not.toBe('evt_1a2b3c4d5e6f');
    const fromLog = JSON.parse((await ok(['fixtures', 'capture', sent.events[0].id], env)).stdout);
    expect(fromLog.data.part.id).toBe('{{id:prt}}');
    const form = await (await fetch(c.url, { method: 'POST', body: 'a=b' })).json();
    await fails(['fixtures', 'capture', form.id], env, 1, /is not a JSON event/);
  });

  it('events replay req_…: sent again as received (method, header pairs, bytes), unsigned', async () => {
    const rx = await startReceiver();
    try {
      const c = await okJson(['ingest', 'create'], env);
      const body = randomBytes(64);
      const req = await (await fetch(c.url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'x-sig': 'abc' }, body })).json();
      const r = await ok(['events', 'replay', req.id, '--forward-to', `${rx.url}/again`], env);
      expect(r.stdout + r.stderr).toMatch(/200/);
      const got = rx.requests[0];
      expect([got.method, got.path, got.headers['x-sig'], got.headers['x-propitbox-ingest-id']]).toEqual(['PUT', '/again', 'abc', req.id]);
      expect(got.raw.equals(body)).toBe(true);
      expect(got.headers['x-propitbox-signature']).toBeUndefined();
    } finally {
      await rx.close();
    }
  });
});
