// `propitbox keys create|list|revoke` against a server with an admin key: the key is printed once, the
// list never shows keys, a revoked key is refused, and a missing or wrong admin key is one clear line.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callApi, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isolatedEnv, runCli } from '../helpers/run-cli.js';

const ADMIN = 'admin_key_for_cli_0123456789';
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ adminKey: ADMIN });
});
afterAll(() => emu?.close());

it('creates, lists and revokes developer keys with the admin key', async () => {
  const env = isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_ADMIN_KEY: ADMIN });
  const created = await runCli(['keys', 'create', '--name', 'alice', '--json'], { env });
  expect(created.code, created.stderr).toBe(0);
  const key = JSON.parse(created.stdout) as { id: string; key: string; name: string };
  expect(key).toMatchObject({ name: 'alice', id: expect.stringMatching(/^key_/), key: expect.stringMatching(/^ppk_live_/) });
  expect((await callApi(emu.url, 'GET', '/v1/webhooks', undefined, { authorization: `Bearer ${key.key}` })).status).toBe(200);

  const human = await runCli(['keys', 'create', '--name', 'ci-nightly'], { env });
  expect(human.stdout).toMatch(/it is not shown again/);
  const list = await runCli(['keys', 'list'], { env });
  expect(list.code).toBe(0);
  expect(list.stdout).toContain('alice');
  expect(list.stdout).toContain('ci-nightly');
  expect(list.stdout).not.toContain(key.key);

  const revoked = await runCli(['keys', 'revoke', key.id], { env });
  expect(revoked.code, revoked.stderr).toBe(0);
  expect(revoked.stdout).toContain(`Revoked ${key.id}`);
  expect((await callApi(emu.url, 'GET', '/v1/webhooks', undefined, { authorization: `Bearer ${key.key}` })).status).toBe(401);
});

it('says what is missing or wrong in one line', async () => {
  const none = await runCli(['keys', 'list'], { env: isolatedEnv({ PROPITBOX_API_URL: emu.url }) });
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/needs the relay's admin key: pass --admin-key KEY or set PROPITBOX_ADMIN_KEY/);
  const wrong = await runCli(['keys', 'list', '--admin-key', 'not_the_admin_key_123'], { env: isolatedEnv({ PROPITBOX_API_URL: emu.url }) });
  expect(wrong.code).not.toBe(0);
  expect(wrong.stderr).toMatch(/Invalid admin key/);
  expect(wrong.stderr).not.toMatch(/\n\s+at /);
});
