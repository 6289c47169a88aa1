// One command per family as a real process (bin/propitbox.js -> main): what the in-process command
// tests cannot see, i.e. the exit code reaching the shell, output flushed before exit, and the
// command's modules loading from dist/. The behaviour itself is tested in-process (cli-*.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isolatedEnv, runCli } from '../helpers/run-cli.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

describe('every command family runs as a process', () => {
  it('login, config, webhooks, events, deliveries, ingest, stats, verify, fixtures, completion', async () => {
    const env = isolatedEnv();
    const login = await runCli(['login', '--api-key', emu.apiKey, '--api-url', emu.url], { env });
    expect(login.code, login.stderr).toBe(0);
    const runs = await Promise.all(
      [
        ['config', 'list', '--json'],
        ['webhooks', 'list', '--json'],
        ['events', 'list', '--json'],
        ['deliveries', 'list', '--json'],
        ['ingest', 'list', '--json'],
        ['stats', '--json'],
        ['fixtures', 'show', 'vehicle.created'],
      ].map((args) => runCli(args, { env }).then((r) => ({ args, ...r }))),
    );
    for (const r of runs) {
      expect({ args: r.args, code: r.code, stderr: r.stderr }).toEqual({ args: r.args, code: 0, stderr: '' });
      expect(() => JSON.parse(r.stdout), r.args.join(' ')).not.toThrow();
    }
    const [bash, badVerify, unknown] = await Promise.all([
      runCli(['completion', 'bash'], { env }),
      runCli(['verify', '--secret', 'whsec_x'], { env }),
      runCli(['webhoks', 'list'], { env }),
    ]);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toMatch(/complete .*propitbox/);
    expect(badVerify.code).toBe(2);
    expect(badVerify.stderr).toMatch(/^error: /);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/webhooks/);
  });
});
