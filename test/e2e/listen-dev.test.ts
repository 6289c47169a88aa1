// `propitbox dev --forward-to URL`: emulator + listen session in one process, one command; then
// `propitbox trigger TYPE` with no flags reaches the local app, signed with the saved listen secret.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_API_KEY } from '../helpers/emulator.js';
import { startReceiver } from '../helpers/receiver.js';
import { isolatedEnv, runCli, spawnCli } from '../helpers/run-cli.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!().catch(() => undefined);
});

describe('dev --forward-to', () => {
  it('runs the emulator and forwards triggered events in one process, and stops on SIGTERM (status 143)', async () => {
    const r = await startReceiver();
    cleanup.push(() => r.close());
    const env = isolatedEnv();
    const data = mkdtempSync(join(tmpdir(), 'propitbox-dev-'));
    const dev = spawnCli(['dev', '--port', '0', '--data-dir', data, '--api-key', TEST_API_KEY, '--no-tui', '--forward-to', `${r.url}/webhooks/pro-pitbox`, '--route', `session.*=${r.url}/sessions`], { env });
    cleanup.push(() => dev.stop('SIGKILL'));
    await dev.waitForStdout('Ready! Forwarding to');
    expect(dev.stdout()).toMatch(/Ready: emulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(dev.stdout()).toMatch(/propitbox trigger maintenance\.task\.created/);
    const t1 = await runCli(['trigger', 'maintenance.task.created'], { env });
    expect(t1.code).toBe(0);
    const t2 = await runCli(['trigger', 'session.ended'], { env });
    expect(t2.code).toBe(0);
    const got = await r.waitForCount(2);
    const secret = JSON.parse(readFileSync(join(env.PROPITBOX_CONFIG_DIR!, 'config.json'), 'utf8')).profiles.local.listen_secret as string;
    expect(secret).toMatch(/^whsec_/);
    for (const q of got) expect(q.headers['x-propitbox-signature']).toBe(createHmac('sha256', secret).update(JSON.stringify(JSON.parse(q.body))).digest('hex'));
    expect(got.map((q) => q.path).sort()).toEqual(['/sessions', '/webhooks/pro-pitbox']);
    await dev.waitForStdout(/<-- \[200\][^\n]*\n[\s\S]*<-- \[200\]/);
    expect(await dev.stop('SIGTERM')).toBe(143);
  });
});
