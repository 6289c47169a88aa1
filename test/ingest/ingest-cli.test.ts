// `propitbox ingest …` as a child process against a real emulator (the relay is the API here) and
// against a second server given with --relay/--relay-key.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isolatedEnv, runCli } from '../helpers/run-cli.js';
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
});
