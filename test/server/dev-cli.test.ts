// `propitbox dev` as a real process: ready lines, the local profile, clean stop; start-up errors (port in use,
// bad flags) in-process.
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnTestEmulator, TEST_API_KEY, type SpawnedEmulator } from '../helpers/emulator.js';
import { isolatedEnv, spawnCli, type LiveCli } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

function track<T extends SpawnedEmulator | LiveCli>(p: T): T {
  cleanup.push(() => p.stop());
  return p;
}

describe('propitbox dev', () => {
  it('prints one JSON ready line once the port answers, and stops cleanly on SIGTERM (status 143)', async () => {
    const emu = track(await spawnTestEmulator());
    const line = emu.live.stdout().trim();
    expect(JSON.parse(line)).toEqual({ ready: true, url: emu.url, api_key_masked: 'ppk_test…mnop', data_dir: emu.dataDir });
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await emu.api('GET', '/v1/health');
    expect(health.body.ok).toBe(true);
    expect((await emu.api('GET', '/v1/webhooks')).status).toBe(200);
    expect(await emu.stop()).toBe(143);
    expect(emu.live.stderr()).toBe('');
  });

  it('without --json prints the plain ready line with a masked key and writes the local profile 0600', async () => {
    const env = isolatedEnv();
    const live = track(spawnCli(['dev', '--headless', '--port', '0', '--api-key', TEST_API_KEY], { env }));
    const out = await live.waitForStdout(/Ready: .*\n/);
    const m = /^Ready: emulator at (http:\/\/127\.0\.0\.1:\d+) \(API key ppk_test…mnop\)$/m.exec(out);
    expect(m).not.toBeNull();
    expect(out).not.toContain(TEST_API_KEY);
    const file = join(env.PROPITBOX_CONFIG_DIR!, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const cfg = JSON.parse(readFileSync(file, 'utf8'));
    expect(cfg.current_profile).toBe('local');
    expect(cfg.profiles.local).toEqual({ api_url: m![1], api_key: TEST_API_KEY });
  });

  it('creates a ppk_test_ key on first start and keeps it across restarts', async () => {
    const env = isolatedEnv();
    const start = async () => {
      const live = track(spawnCli(['dev', '--headless', '--json', '--port', '0'], { env }));
      await live.waitForStdout(/"ready":true/);
      await live.stop();
      return JSON.parse(readFileSync(join(env.PROPITBOX_CONFIG_DIR!, 'config.json'), 'utf8')).profiles.local.api_key as string;
    };
    const first = await start();
    expect(first).toMatch(/^ppk_test_[A-Za-z0-9_-]{20,}$/);
    expect(await start()).toBe(first);
  });

  it('says in one line that the port is in use, exit 1, no stack trace', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => blocker.close(r)));
    const port = (blocker.address() as { port: number }).port;
    const res = await runInProcess(['dev', '--headless', '--port', String(port)]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`error: Port ${port} is already in use: stop the other propitbox dev or pass --port 0\n`);
    expect(res.stdout).toBe('');
  });

  it('refuses a second emulator on the same data dir (it would deliver everything twice)', async () => {
    const first = track(await spawnTestEmulator());
    const res = await runInProcess(['dev', '--headless', '--port', '0', '--data-dir', first.dataDir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`error: Data dir ${first.dataDir} is in use by another propitbox dev: stop it or pass --data-dir\n`);
    expect((await first.api('GET', '/v1/health')).status).toBe(200);
  });

  it('rejects a bad --retry-schedule with a usage error', async () => {
    const res = await runInProcess(['dev', '--headless', '--port', '0', '--retry-schedule', '5s,later']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^error: --retry-schedule must be comma-separated durations/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an --api-key with whitespace (it could never authenticate) before starting', async () => {
    const res = await runInProcess(['dev', '--headless', '--port', '0', '--api-key', 'ppk test']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('error: The API key contains whitespace: pass a key like ppk_test_ci (letters, digits, _ and -)\n');
  });
});
