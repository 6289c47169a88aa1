// Mistakes a user can make around the CLI, each one line naming the file or flag and the fix, never a
// raw Node error: a config file that is a folder, a config dir that is a file, wrong types in the
// config, an unknown --profile while the key and URL come from the environment, a fixture over the
// API's 1 MiB, an empty --retry-schedule.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isolatedEnv } from '../helpers/run-cli.js';
import { fails, ok } from './cli-helpers.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

const apiEnv = (extra: Record<string, string> = {}) => isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey, ...extra });

/** An env whose config dir holds `content` as config.json. */
function withConfig(content: string): NodeJS.ProcessEnv {
  const env = isolatedEnv();
  mkdirSync(env.PROPITBOX_CONFIG_DIR!, { recursive: true });
  writeFileSync(join(env.PROPITBOX_CONFIG_DIR!, 'config.json'), content);
  return env;
}

describe('config files that cannot be used', () => {
  it('a folder where the config file goes', async () => {
    const env = isolatedEnv();
    const file = join(env.PROPITBOX_CONFIG_DIR!, 'config.json');
    mkdirSync(file, { recursive: true });
    await fails(['webhooks', 'list'], env, 2, new RegExp(`^error: Config file ${file} is a folder, not a file \\(remove or rename that folder`));
  });

  it('a file where the config dir goes, for reading and for writing', async () => {
    const env = isolatedEnv();
    writeFileSync(env.PROPITBOX_CONFIG_DIR!, 'not a folder');
    const line = new RegExp(`^error: The config dir ${env.PROPITBOX_CONFIG_DIR} is a file, not a folder \\(move that file away, or set PROPITBOX_CONFIG_DIR`);
    await fails(['webhooks', 'list'], env, 2, line);
    await fails(['login', '--api-key', emu.apiKey, '--api-url', emu.url], env, 2, line);
    const below = { ...env, PROPITBOX_CONFIG_DIR: join(env.PROPITBOX_CONFIG_DIR!, 'sub') };
    await fails(['login', '--api-key', emu.apiKey, '--api-url', emu.url], below, 2, new RegExp(`cannot be made: ${env.PROPITBOX_CONFIG_DIR} is a file, not a folder`));
  });

  it.each([
    ['{"profiles":{"default":{"api_url":5,"api_key":"ppk_x"}}}', "'profiles.default.api_url' must be a string, not a number"],
    ['{"current_profile":7,"profiles":{}}', "'current_profile' must be a string (a profile name), not a number"],
    ['{"profiles":[]}', "'profiles' must be an object of named profiles, not an array"],
    ['{"profiles":{"default":"x"}}', 'profile \'default\' must be an object like {"api_key": "…", "api_url": "…"}, not a string'],
    ['[1]', 'it must be a JSON object like {"profiles": {}}, not an array'],
  ])('wrong types: %s', async (content, problem) => {
    const env = withConfig(content);
    const file = join(env.PROPITBOX_CONFIG_DIR!, 'config.json');
    for (const args of [['webhooks', 'list'], ['config', 'list']]) {
      const r = await fails(args, env, 2, /is not a propitbox config/);
      expect(r.stderr).toBe(`error: Config file ${file} is not a propitbox config: ${problem} (fix that value, or delete the file and run \`propitbox login\`)\n`);
    }
  });
});

describe('--profile', () => {
  it('an unknown profile is an error even when the key and URL come from the environment', async () => {
    await fails(['--profile', 'nope', 'webhooks', 'list'], apiEnv(), 2, /^error: No profile 'nope'\. Profiles: none yet; create one with `propitbox login --profile nope`$/);
    await fails(['webhooks', 'list'], apiEnv({ PROPITBOX_PROFILE: 'nope' }), 2, /^error: No profile 'nope'/);
    // With the environment alone (no profile named) it works.
    await ok(['webhooks', 'list'], apiEnv());
  });

  it('suggests the close one, and `config set` may still create a profile', async () => {
    const env = apiEnv();
    await ok(['--profile', 'staging', 'config', 'set', 'api_url', 'http://127.0.0.1:9'], env);
    await fails(['--profile', 'stagin', 'webhooks', 'list'], env, 2, /^error: No profile 'stagin'\. Did you mean 'staging'\? Profiles: staging;/);
  });
});

describe('sizes and schedules', () => {
  it('a fixture over 1 MiB names the limit and sends nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propitbox-fixture-'));
    const fixture = join(dir, 'big.json');
    writeFileSync(fixture, JSON.stringify({ type: 'vehicle.created', data: { notes: 'x'.repeat(2 * 1024 * 1024) } }));
    const before = (await emu.api('GET', '/v1/events?limit=100')).body.data.length;
    await fails(['trigger', '--fixture', fixture], apiEnv(), 2, new RegExp(`^error: Fixture ${fixture} makes an event of 2 MiB \\(\\d+ bytes\\): the API accepts at most 1 MiB \\(1048576 bytes\\) per request \\(make it smaller; nothing was sent\\)$`));
    expect((await emu.api('GET', '/v1/events?limit=100')).body.data.length).toBe(before);
  });

  it("dev --retry-schedule '' is a usage error", async () => {
    await fails(['dev', '--headless', '--port', '0', '--retry-schedule', ''], isolatedEnv(), 2, /^error: --retry-schedule is empty: pass delays like 5s,30s,2m,10m,1h, or leave it out for that default$/);
  });
});
