// Help and hints that lead somewhere: Stripe users' `propitbox listen`, `propitbox version`, defaults
// shown as people write them, one exit rule per line, and --write-env naming the seed's variable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isolatedEnv } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

describe('unknown words point at the real command', () => {
  it('`propitbox listen` suggests `propitbox webhooks listen`; `propitbox version` suggests --version', async () => {
    const listen = await runInProcess(['listen', '--forward-to', 'http://localhost:3000']);
    expect(listen.code).toBe(2);
    expect(listen.stderr).toBe("error: unknown command 'listen' (did you mean `propitbox webhooks listen`?) (run with --help for usage)\n");
    const version = await runInProcess(['version']);
    expect(version.stderr).toContain('(did you mean `propitbox --version`?)');
    expect(version.stderr).not.toContain('verify');
    expect((await runInProcess(['sessions'])).stderr).toContain('`propitbox webhooks sessions`');
  });
});

describe('help text', () => {
  it('shows defaults as durations, one exit rule per signal, and what --headless prints', async () => {
    const test = await runInProcess(['webhooks', 'test', '--help']);
    expect(test.stdout).not.toMatch(/default: 30000/);
    expect(test.stdout.replace(/\s+/g, " ")).toMatch(/--timeout <duration> with --wait: .*\(default 30s\)/);
    const listen = await runInProcess(['webhooks', 'listen', '--help']);
    expect(listen.stdout).toContain('Exit: Ctrl-C exits 130 and SIGTERM 0');
    expect(listen.stdout).toMatch(/--keep-session/);
    const dev = await runInProcess(['dev', '--help']);
    expect(dev.stdout).not.toMatch(/one ready line/);
    expect(dev.stdout.replace(/\s+/g, " ")).toMatch(/--headless for scripts: the ready lines only once the port accepts requests \(--json: one line\)/);
  });
});

describe('--write-env --env-name', () => {
  it("writes the secret under the seed's variable name, keeping the documented default otherwise", async () => {
    const env = isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey });
    const file = join(env.HOME!, '.env');
    const named = await runInProcess(['webhooks', 'listen', '--write-env', file, '--env-name', 'WEBHOOK_SECRET'], { env });
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).toBe(`Wrote WEBHOOK_SECRET to ${file}\n`);
    expect(readFileSync(file, 'utf8')).toMatch(/^WEBHOOK_SECRET=whsec_\S+\n$/);
    const plain = await runInProcess(['webhooks', 'listen', '--write-env', file], { env });
    expect(plain.stderr).toBe(`Wrote PROPITBOX_WEBHOOK_SECRET to ${file}\n`);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('=')[0])).toEqual(['WEBHOOK_SECRET', 'PROPITBOX_WEBHOOK_SECRET']);

    const bad = await runInProcess(['webhooks', 'listen', '--write-env', file, '--env-name', '1BAD'], { env });
    expect([bad.code, bad.stderr]).toEqual([2, "error: --env-name '1BAD' is not a variable name (letters, digits, _)\n"]);
    const alone = await runInProcess(['webhooks', 'listen', '--print-secret', '--env-name', 'X'], { env });
    expect([alone.code, alone.stderr]).toEqual([2, 'error: --env-name names the variable --write-env sets: pass --write-env FILE too\n']);
  });
});
