// Runs the README's CI recipe (test/e2e/cli-ci-smoke.sh) for real: emulator, endpoint, the seed's
// handler as the app, trigger --wait, deliveries list, trigger --forward-to.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { BIN, isolatedEnv } from '../helpers/run-cli.js';

const SCRIPT = fileURLToPath(new URL('./cli-ci-smoke.sh', import.meta.url));
const APP = fileURLToPath(new URL('./cli-seed-app.mjs', import.meta.url));

function runScript(env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`ci-smoke.sh timed out:\n${out}`));
    }, 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('CI smoke recipe', () => {
  it('passes against the seed handler, twice in a row on one machine (same HOME, config and app URL)', async () => {
    const port = await freePort();
    const env = isolatedEnv({
      PROPITBOX: `${process.execPath} ${BIN}`,
      PROPITBOX_PORT: '0',
      APP_CMD: `${process.execPath} ${APP}`,
      APP_PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}/webhooks/pro-pitbox`,
    });
    for (const run of [1, 2]) {
      const r = await runScript(env);
      expect(r.code, `run ${run}:\n${r.out}`).toBe(0);
      expect(r.out).toContain('Maintenance scheduled: oil_change');
      expect(r.out).toContain('Low stock alert: Spur Gear 54T');
      expect(r.out).toMatch(/CI smoke test passed \(evt_\w+ delivered\)/);
    }
  });

  it('fails (exit 1) when the app rejects the signature', async () => {
    const port = await freePort();
    const env = isolatedEnv({
      PROPITBOX: `${process.execPath} ${BIN}`,
      PROPITBOX_PORT: '0',
      PROPITBOX_RETRY_SCHEDULE: '50ms,50ms,50ms,50ms,50ms',
      APP_CMD: `env WEBHOOK_SECRET=whsec_wrong ${process.execPath} ${APP}`,
      APP_PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}/webhooks/pro-pitbox`,
    });
    const r = await runScript(env);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/1 of 1 deliveries failed/);
    expect(r.out).not.toContain('CI smoke test passed');
  });
});
