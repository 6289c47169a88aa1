// The second day: what one command leaves behind must not break the next. The README's main command
// (`dev --forward-to`) followed by the CI recipe on the same machine; a forwarder killed with kill -9;
// `webhooks sessions list|close`; `trigger --wait` skipping sessions nobody is connected to.
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery, ListenSession } from '../../src/contract/v1.js';
import { TEST_API_KEY, spawnTestEmulator } from '../helpers/emulator.js';
import { startReceiver } from '../helpers/receiver.js';
import { isolatedEnv, runCli, spawnCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { ok, okJson } from './cli-helpers.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!().catch(() => undefined);
});

async function receiver() {
  const r = await startReceiver();
  cleanup.push(() => r.close());
  return r;
}

/** `dev --forward-to` as the README runs it (default data dir of this HOME), until its Ready line. */
async function mainCommand(env: NodeJS.ProcessEnv, target: string) {
  const dev = spawnCli(['dev', '--port', '0', '--api-key', TEST_API_KEY, '--no-tui', '--forward-to', target], { env });
  cleanup.push(() => dev.stop('SIGKILL'));
  await dev.waitForStdout('Ready! Forwarding to');
  return dev;
}

/** The CI recipe's emulator on the same data dir, and the profile env pointing at it. */
async function ciEmulator(env: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}) {
  const emu = await spawnTestEmulator({ env: { ...env, ...extra }, dataDir: env.PROPITBOX_DATA_DIR });
  cleanup.push(() => emu.stop());
  return { emu, env: { ...env, PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: TEST_API_KEY } };
}

describe('left-behind listen sessions', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`dev --forward-to closes its session on ${signal}; the CI recipe after it passes`, async () => {
      const env = isolatedEnv();
      const app = await receiver();
      const dev = await mainCommand(env, `${app.url}/webhooks/pro-pitbox`);
      expect((await runCli(['trigger', 'maintenance.task.created'], { env })).code).toBe(0);
      await app.waitForCount(1);
      expect(await dev.stop(signal)).toBe(signal === 'SIGINT' ? 130 : 143); // dev ends by its signal

      const ci = await ciEmulator(env);
      expect((await okJson(['webhooks', 'sessions', 'list'], ci.env)).data).toEqual([]);
      const ep = await okJson(['webhooks', 'create', '--url', `${app.url}/ci`, '--events', '*'], ci.env);
      const sent = await okJson(['trigger', 'maintenance.task.created', '--wait'], ci.env);
      expect(sent.deliveries).toEqual([expect.objectContaining({ endpoint_id: ep.id, status: 'succeeded' })]);
    });
  }

  it('a forwarder killed with kill -9: sessions list shows it, trigger --wait skips it, close --all cleans it', async () => {
    const env = isolatedEnv();
    const app = await receiver();
    const target = `${app.url}/webhooks/pro-pitbox`;
    await (await mainCommand(env, target)).stop('SIGKILL');

    const ci = await ciEmulator(env);
    const [left] = (await okJson(['webhooks', 'sessions', 'list'], ci.env)).data as ListenSession[];
    expect(left).toMatchObject({ connected: false, durable: false, targets: [target], expires_at: expect.any(String) });
    const table = await ok(['webhooks', 'sessions', 'list'], ci.env);
    expect(table.stdout).toMatch(new RegExp(`${left.id}\\s+none\\s+${target.replace(/[/.]/g, '\\$&')}\\s+\\*\\s+0\\s+closes in [45]m`));

    await okJson(['webhooks', 'create', '--url', `${app.url}/ci`, '--events', '*'], ci.env);
    const waited = await ok(['trigger', 'maintenance.task.created', '--wait'], ci.env);
    expect(waited.stderr).toContain(`no client connected to ${left.id}; skipped`);
    expect(waited.stdout).toMatch(/succeeded\s+200 .*\/ci/);
    const all = await runCli(['trigger', 'maintenance.task.created', '--wait-all', '--timeout', '500ms'], { env: ci.env });
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/1 of 2 deliveries still pending after/);

    expect((await ok(['webhooks', 'sessions', 'close', '--all'], ci.env)).stdout).toBe(`Closed ${left.id}\n`);
    expect((await okJson(['webhooks', 'sessions', 'list'], ci.env)).data).toEqual([]);
    const dropped = (await ci.emu.api<{ data: Delivery[] }>('GET', `/v1/deliveries?session_id=${left.id}`)).body.data;
    expect(dropped.length).toBe(2);
    for (const d of dropped) expect(d).toMatchObject({ status: 'failed', last_error: 'dropped: the listen session was closed before a client acknowledged it' });
  });

  it('a session whose listen died is deleted after the idle grace; --keep-session keeps it', async () => {
    const env = isolatedEnv();
    const app = await receiver();
    const { emu, env: apiEnv } = await ciEmulator(env, { PROPITBOX_SESSION_GRACE_MS: '400' });
    const listen = (extra: string[]) => {
      const l = spawnCli(['webhooks', 'listen', '--no-tui', '--forward-to', app.url, ...extra], { env: apiEnv });
      cleanup.push(() => l.stop('SIGKILL'));
      return l;
    };
    // One after the other: each remembers its session id in the same state file.
    const kept = listen(['--keep-session', '--label', 'kept']);
    await kept.waitForStdout('Ready!');
    const died = listen(['--label', 'died']);
    await died.waitForStdout('Ready!');
    await Promise.all([kept.stop('SIGKILL'), died.stop('SIGKILL')]);
    const labels = async () => ((await emu.api<{ data: ListenSession[] }>('GET', '/v1/listen-sessions')).body.data).map((s) => s.label);
    await waitFor(async () => (await labels()).join() === 'kept', { what: 'the dead session to expire' });

    // --keep-session across restarts: the next listen picks the kept session up, and exits leaving it.
    const again = listen(['--keep-session', '--label', 'kept']);
    await again.waitForStdout('Ready!');
    expect(await again.stop('SIGTERM')).toBe(0);
    expect(await labels()).toEqual(['kept']);
    expect((await ok(['webhooks', 'sessions', 'close', (await emu.api('GET', '/v1/listen-sessions')).body.data[0].id], apiEnv)).stdout).toMatch(/^Closed ls_/);
  });
});
