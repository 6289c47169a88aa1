// `propitbox dev` for scripts and first steps: --headless stops when whatever started it is gone (npx
// does not forward `kill`), and the "Try:" hint never leads to a second delivery path to the app.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { watchParent } from '../../src/services/dev.js';
import { TEST_API_KEY } from '../helpers/emulator.js';
import { BIN, isolatedEnv, runCli, spawnCli } from '../helpers/run-cli.js';
import { startReceiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanup: Array<() => unknown> = [];
afterEach(() => {
  while (cleanup.length) cleanup.pop()!();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('dev --headless', () => {
  it('exits when the process that started it is killed (npx propitbox dev … & then kill)', async () => {
    // A wrapper that, like npx, starts dev as its child and does not forward signals.
    const wrapper = spawn(process.execPath, ['-e', `const c = require('node:child_process').spawn(process.execPath, ${JSON.stringify([BIN, 'dev', '--headless', '--json', '--port', '0', '--api-key', TEST_API_KEY])}, { stdio: ['ignore', 'inherit', 'inherit'] }); console.log('pid ' + c.pid); setInterval(() => {}, 1000);`], { env: isolatedEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    wrapper.stdout.on('data', (d) => (out += d));
    wrapper.stderr.on('data', (d) => (err += d));
    const pid = Number((await waitFor(() => /pid (\d+)/.exec(out)))[1]);
    cleanup.push(() => alive(pid) && process.kill(pid, 'SIGKILL'));
    const url = JSON.parse((await waitFor(() => /\{"ready":true.*\}/.exec(out)))[0]).url as string;
    expect((await fetch(`${url}/v1/health`)).ok).toBe(true);
    wrapper.kill('SIGKILL');
    await waitFor(() => !alive(pid), { what: 'dev to exit after its parent was killed' });
    expect(err).toContain('propitbox dev: the process that started it exited; stopping');
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
  });

  it('watchParent fires when the parent pid changes, and not before', async () => {
    let ppid = 100;
    let polls = 0;
    let calls = 0;
    const stop = watchParent(() => calls++, { ppid: () => (polls++, ppid), intervalMs: 5 });
    cleanup.push(stop);
    await waitFor(() => polls >= 4); // polled several times while the parent lives: nothing fired
    expect(calls).toBe(0);
    ppid = 1;
    await waitFor(() => calls === 1);
  });
});

describe('dev ready hints', () => {
  it('with --forward-to, "Try:" names the real target and no endpoint; without, the endpoint URL is a placeholder', async () => {
    const env = isolatedEnv();
    const fwd = spawnCli(['dev', '--port', '0', '--api-key', TEST_API_KEY, '--no-tui', '--forward-to', 'http://127.0.0.1:3999/hooks', '--data-dir', `${env.HOME}/a`], { env });
    cleanup.push(() => fwd.stop('SIGKILL'));
    const out = await fwd.waitForStdout('Ready! Forwarding');
    expect(out).toContain('Try: propitbox trigger maintenance.task.created   (forwarded to http://127.0.0.1:3999/hooks; no endpoint needed)');
    expect(out).not.toContain('webhooks create');
    expect(out).not.toContain('3000');
    await fwd.stop();

    const plain = spawnCli(['dev', '--headless', '--port', '0', '--api-key', TEST_API_KEY, '--data-dir', `${env.HOME}/b`], { env });
    cleanup.push(() => plain.stop('SIGKILL'));
    expect(await plain.waitForStdout('Stop with Ctrl-C')).toContain("Try: propitbox webhooks create --url <your app's URL, e.g. http://localhost:3000/webhooks/pro-pitbox> --events '*'");
  });
});

describe('an endpoint on the forwarder\'s own URL', () => {
  it('webhooks create warns, and the running forwarder says so too (also for one created before it started)', async () => {
    const env = isolatedEnv();
    const app = await startReceiver();
    cleanup.push(() => app.close());
    const target = `${app.url}/webhooks/pro-pitbox`;
    const dev = spawnCli(['dev', '--port', '0', '--api-key', TEST_API_KEY, '--no-tui', '--forward-to', target], { env });
    cleanup.push(() => dev.stop('SIGKILL'));
    await dev.waitForStdout('Ready! Forwarding');
    // The same receiver spelled differently (localhost for 127.0.0.1, a trailing slash) is still the same.
    const sameUrl = `${target.replace('127.0.0.1', 'localhost')}/`;
    const created = await runCli(['webhooks', 'create', '--url', sameUrl, '--events', '*', '--json'], { env });
    expect(created.code).toBe(0);
    const ep = JSON.parse(created.stdout) as { id: string; secret: string };
    expect(Object.keys(ep)).not.toContain('warnings');
    const warning = new RegExp(`Endpoint ${ep.id} and listen session ls_\\w+ both deliver to ${sameUrl.replace(/[/.]/g, '\\$&')}: your app gets every event twice`);
    expect(created.stderr).toMatch(new RegExp(`^warning: ${warning.source}`, 'm'));
    await dev.waitForStderr(warning);

    // A different path is a different receiver: no warning.
    const other = await runCli(['webhooks', 'create', '--url', `${app.url}/other`, '--events', '*'], { env });
    expect(other.stderr).not.toContain('warning:');

    // Started again with the endpoint already there: said as soon as it connects.
    expect(await dev.stop('SIGTERM')).toBe(143); // dev ends by its signal
    const again = spawnCli(['dev', '--port', '0', '--api-key', TEST_API_KEY, '--no-tui', '--forward-to', target], { env });
    cleanup.push(() => again.stop('SIGKILL'));
    await again.waitForStderr(warning);
  });
});
