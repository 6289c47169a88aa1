// login / logout / config and profiles as a child process: file mode 0600, masking, precedence.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isolatedEnv } from '../helpers/run-cli.js';
import { fails, ok, okJson } from './cli-helpers.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

const configOf = (env: NodeJS.ProcessEnv) => join(env.PROPITBOX_CONFIG_DIR!, 'config.json');

describe('login', () => {
  it('verifies the key against the API, saves it 0600 in the profile and masks it everywhere', async () => {
    const env = isolatedEnv();
    const r = await ok(['login', '--api-key', emu.apiKey, '--api-url', emu.url], env);
    expect(r.stderr).toMatch(`Verified: the key works against ${emu.url}`);
    expect(r.stderr).toMatch(/Saved API key ppk_test…mnop .* in profile 'default'/);
    expect(r.stderr + r.stdout).not.toContain(emu.apiKey);
    expect(statSync(configOf(env)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(configOf(env), 'utf8'))).toMatchObject({ current_profile: 'default', profiles: { default: { api_key: emu.apiKey, api_url: emu.url } } });

    // the saved profile is used with no flags
    expect((await ok(['webhooks', 'list'], env)).stdout).toMatch(/No webhook endpoints yet/);

    const list = await ok(['config', 'list'], env);
    expect(list.stdout).not.toContain(emu.apiKey);
    expect(list.stdout).toMatch(/\*\s+default\s+http:\/\/127\.0\.0\.1:\d+\s+ppk_test…mnop/);
    expect(list.stdout).toMatch(/api_key: ppk_test…mnop \(profile\)/);
    const shown = await okJson(['config', 'list', '--show-secret'], env);
    expect(shown.profiles.default.api_key).toBe(emu.apiKey);
    // KEY=$(propitbox config get api_key) must not capture a masked key as if it were the key.
    const masked = await fails(['config', 'get', 'api_key'], env, 1, /api_key is a secret and is printed only with --show-secret \(it is ppk_test…mnop\)/);
    expect(masked.stdout).toBe('');
    expect((await ok(['config', 'get', 'api_key', '--show-secret'], env)).stdout.trim()).toBe(emu.apiKey);
  });

  it('reads the key from stdin with --with-key, into a named profile', async () => {
    const env = isolatedEnv();
    await ok(['login', '--with-key', '--api-url', emu.url, '--profile', 'ci'], env, emu.apiKey + '\n');
    expect(JSON.parse(readFileSync(configOf(env), 'utf8')).profiles.ci.api_key).toBe(emu.apiKey);
  });

  it('a rejected key is exit 1 and nothing is saved; an unreachable API saves with a note', async () => {
    const env = isolatedEnv();
    await fails(['login', '--api-key', 'ppk_test_wrong', '--api-url', emu.url], env, 1, /^error: http:\/\/127\.0\.0\.1:\d+ rejected this API key \(401\): check the key \(and --api-url\); nothing was saved$/);
    expect(() => statSync(configOf(env))).toThrow();
    const r = await ok(['login', '--api-key', 'ppk_live_offline123456', '--api-url', 'http://127.0.0.1:9'], env);
    expect(r.stderr).toMatch(/Could not reach http:\/\/127\.0\.0\.1:9 to verify the key .*saved it anyway/);
  });

  it('bad login input is exit 2', async () => {
    const env = isolatedEnv();
    await Promise.all([
      fails(['login'], env, 2, /No API key given: run `propitbox login --api-key KEY`/),
      fails(['login', '--api-key', 'k', '--with-key'], env, 2, /either with --api-key or on stdin/),
      fails(['login', '--api-key', 'k', '--api-url', 'localhost:4480'], env, 2, /must be http:\/\/ or https:\/\//),
      fails(['login', '--api-key', 'k', '--profile', 'bad name'], env, 2, /Bad profile name/),
    ]);
  });
});

describe('profiles and precedence', () => {
  it('flag > env > profile; --profile and PROPITBOX_PROFILE select', async () => {
    const env = isolatedEnv();
    await ok(['--profile', 'a', 'config', 'set', 'api_url', 'http://a.test/'], env);
    await ok(['--profile', 'a', 'config', 'set', 'api_key', 'key_a_1234567890'], env);
    await ok(['--profile', 'b', 'config', 'set', 'api_url', 'http://b.test'], env);
    const eff = async (args: string[], e: NodeJS.ProcessEnv) => (await okJson([...args, 'config', 'list'], e)).effective;
    expect(await eff([], env)).toMatchObject({ profile: 'a', api_url: 'http://a.test', api_url_source: 'profile', api_key_source: 'profile' });
    expect(await eff(['--profile', 'b'], env)).toMatchObject({ profile: 'b', api_url: 'http://b.test', api_key: null, api_key_source: 'none' });
    expect(await eff([], { ...env, PROPITBOX_PROFILE: 'b' })).toMatchObject({ profile: 'b' });
    expect(await eff([], { ...env, PROPITBOX_API_URL: 'http://env.test' })).toMatchObject({ api_url: 'http://env.test', api_url_source: 'env' });
    expect(await eff(['--api-url', 'http://flag.test'], { ...env, PROPITBOX_API_URL: 'http://env.test' })).toMatchObject({ api_url: 'http://flag.test', api_url_source: 'flag' });
    expect(await eff([], { ...env, PROPITBOX_API_KEY: 'envkey_1234567890' })).toMatchObject({ api_key: 'envkey_1…7890', api_key_source: 'env' });

    await ok(['config', 'set', 'current_profile', 'b'], env);
    expect((await ok(['config', 'get', 'current_profile'], env)).stdout.trim()).toBe('b');
    expect((await ok(['--profile', 'a', 'config', 'unset', 'api_url'], env)).stderr).toBe("Removed api_url from profile 'a'\n");
    // unsetting what is not set does not claim to have removed it
    expect((await ok(['--profile', 'a', 'config', 'unset', 'api_url'], env)).stderr).toBe("'api_url' is not set in profile 'a': nothing to do\n");
    await fails(['--profile', 'a', 'config', 'get', 'api_url'], env, 1, /'api_url' is not set in profile 'a'/);
    await fails(['config', 'set', 'api_urll', 'x'], env, 2, /Unknown config key 'api_urll'/);
    await fails(['config', 'set', 'api_url', 'nope'], env, 2, /api_url 'nope' is not a valid URL/);

    await ok(['--profile', 'a', 'logout'], env);
    expect(JSON.parse(readFileSync(configOf(env), 'utf8')).profiles.a.api_key).toBeUndefined();
  });

  it('an older 0644 config file is tightened to 0600; a corrupt one is one line', async () => {
    const env = isolatedEnv();
    mkdirSync(env.PROPITBOX_CONFIG_DIR!, { recursive: true });
    writeFileSync(configOf(env), JSON.stringify({ current_profile: 'x', profiles: { x: { api_url: 'http://x.test' } } }));
    chmodSync(configOf(env), 0o644);
    await ok(['config', 'list'], env);
    expect(statSync(configOf(env)).mode & 0o777).toBe(0o600);
    writeFileSync(configOf(env), '{nope');
    await fails(['config', 'list'], env, 2, /is not valid JSON \(fix or delete it, then run `propitbox login`\)/);
  });
});

describe('profiles on the second day', () => {
  it("login to another profile keeps dev's 'local' current unless --use; the README placeholder is refused; a typo in current_profile is refused; delete-profile", async () => {
    const env = isolatedEnv();
    // What `propitbox dev` leaves: a current 'local' profile on the emulator.
    await ok(['--profile', 'local', 'config', 'set', 'api_url', emu.url], env);
    await ok(['--profile', 'local', 'config', 'set', 'api_key', emu.apiKey], env);
    await ok(['config', 'set', 'current_profile', 'local'], env);

    await fails(['login', '--api-key', 'ppk_live_…'], env, 2, /'ppk_live_…' is the placeholder from the docs, not a key/);
    const second = await ok(['login', '--api-key', 'ppk_live_offline123456', '--api-url', 'http://127.0.0.1:9'], env);
    expect(second.stderr).toMatch(/in profile 'default'\. The current profile stays 'local': use this one with --profile default, or make it current with `propitbox config set current_profile default`/);
    expect((await okJson(['config', 'list'], env)).effective).toMatchObject({ profile: 'local', api_url: emu.url });
    expect((await ok(['webhooks', 'list'], env)).stdout).toMatch(/No webhook endpoints yet/); // still the emulator

    const used = await ok(['login', '--api-key', emu.apiKey, '--api-url', emu.url, '--profile', 'staging', '--use'], env);
    expect(used.stderr).toMatch(/in profile 'staging' \(now the current profile; back with `propitbox config set current_profile local`\)/);

    await fails(['config', 'set', 'current_profile', 'lcoal'], env, 2, /^error: No profile 'lcoal'\. Did you mean 'local'\? Profiles: local, default, staging; create one with `propitbox login --profile lcoal`/);
    expect((await ok(['config', 'get', 'current_profile'], env)).stdout.trim()).toBe('staging');

    await fails(['config', 'delete-profile', 'stagin'], env, 2, /No profile 'stagin'\. Did you mean 'staging'\?/);
    expect((await ok(['config', 'delete-profile', 'staging'], env)).stderr).toMatch(/Deleted profile 'staging'; it was the current one: pick another with `propitbox config set current_profile NAME` \(local, default\)/);
    const file = JSON.parse(readFileSync(configOf(env), 'utf8'));
    expect(Object.keys(file.profiles)).toEqual(['local', 'default']);
    expect(file.current_profile).toBeUndefined();
  });

  it('the first login of a fresh machine becomes current', async () => {
    const env = isolatedEnv();
    const r = await ok(['login', '--api-key', emu.apiKey, '--api-url', emu.url, '--profile', 'work'], env);
    expect(r.stderr).toMatch(/in profile 'work' \(the current profile\)\./);
    expect(JSON.parse(readFileSync(configOf(env), 'utf8')).current_profile).toBe('work');
  });
});
