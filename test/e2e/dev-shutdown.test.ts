// `propitbox dev` stops on SIGTERM/SIGINT within 5 s whatever is connected or in flight: a real
// `webhooks listen` client (its websocket used to hold the server open for as long as it stayed), a
// receiver that never answers, an endpoint host whose DNS lookup never returns. Nothing is lost: after
// a restart on the same data dir every event sent before the signal reaches both receivers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnTestEmulator, type SpawnedEmulator } from '../helpers/emulator.js';
import { freePort } from '../helpers/ports.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv, spawnCli, type LiveCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!().catch(() => undefined);
});

async function receiver(respond?: Receiver['respond']): Promise<Receiver> {
  const r = await startReceiver(respond);
  cleanup.push(() => r.close());
  return r;
}

async function emulator(opts: Parameters<typeof spawnTestEmulator>[0]): Promise<SpawnedEmulator> {
  const e = await spawnTestEmulator(opts);
  cleanup.push(() => e.kill9());
  return e;
}

/** Send the signal; resolves with the exit code and how long the process took to go. */
async function signal(live: LiveCli, sig: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const t0 = performance.now();
  live.child.kill(sig);
  const code = await live.exited;
  return { code, ms: Math.round(performance.now() - t0) };
}

const idsOf = (r: Receiver) => r.requests.map((q) => (JSON.parse(q.body) as { id: string }).id);

describe('propitbox dev shutdown', () => {
  it('SIGTERM with a listen client connected and deliveries in flight: gone within 5 s (143), nothing lost after a restart', async () => {
    const hung = new Set<number>();
    // The endpoint's receiver: slow (in flight at the signal), and it never answers the first try of
    // a few events (cut off by the shutdown, so they must be sent again after the restart).
    const endpointRx = await receiver((req) => {
      const n = (JSON.parse(req.body) as { data: { n: number } }).data.n;
      if (n < 3 && !hung.has(n)) {
        hung.add(n);
        return new Promise(() => undefined);
      }
      return { status: 200, body: 'ok', delay: 300 };
    });
    const listenRx = await receiver();
    const env = isolatedEnv();
    const dataDir = mkdtempSync(join(tmpdir(), 'propitbox-shutdown-'));
    const port = await freePort();
    const first = await emulator({ dataDir, port, env });
    expect((await first.api('POST', '/v1/webhooks', { url: `${endpointRx.url}/hooks`, events: ['*'] })).status).toBe(201);
    const listen = spawnCli(['webhooks', 'listen', '--forward-to', `${listenRx.url}/listen`, '--format', 'json'], { env });
    cleanup.push(() => listen.stop('SIGKILL'));
    await listen.waitForStdout('"kind":"ready"');

    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await first.api('POST', '/v1/events', { type: 'vehicle.created', data: { n: i } });
      expect(res.status).toBe(201);
      ids.push(res.body.event.id);
    }
    await endpointRx.waitForCount(20);

    const { code, ms } = await signal(first.live, 'SIGTERM');
    expect(code).toBe(143);
    expect(ms).toBeLessThan(5000);
    // listen was told the server is going away (1001) and is reconnecting, not dead.
    await listen.waitForStdout(/"kind":"reconnecting".*"reason":"emulator shutting down"/);
    expect(listen.child.exitCode).toBeNull();

    const second = await emulator({ dataDir, port, env });
    // The three cut off by the shutdown are sent again after the restart.
    await endpointRx.waitForCount(23);
    await waitFor(() => ids.every((id) => idsOf(listenRx).includes(id)), { what: 'every event at the listen receiver', timeout: 30_000 });
    // Answered during the grace period = recorded: sent once. Only the cut-off ones were sent again.
    const counts = new Map<string, number>();
    for (const id of idsOf(endpointRx)) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual(ids.slice(0, 3));
    expect(await second.stop()).toBe(143);
  });

  it('does not wait on a DNS lookup that never returns; Ctrl-C exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propitbox-dns-'));
    const fifo = join(dir, 'never');
    execFileSync('mkfifo', [fifo]);
    const preload = pathToFileURL(fileURLToPath(new URL('../helpers/hang-dns.mjs', import.meta.url))).href;
    const env = isolatedEnv({ NODE_OPTIONS: `--import ${preload}`, PROPITBOX_TEST_HANG_FIFO: fifo });
    const emu = await emulator({ env });
    await emu.api('POST', '/v1/webhooks', { url: 'http://receiver.hang.test/hooks', events: ['*'] });
    await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: {} });
    await emu.live.waitForStderr('DNS lookup of receiver.hang.test hangs');
    const { code, ms } = await signal(emu.live, 'SIGINT');
    expect(code).toBe(130);
    expect(ms).toBeLessThan(5000);
  });

  it('a second signal exits at once, while an attempt still waits for its answer', async () => {
    const rx = await receiver(() => new Promise(() => undefined));
    const emu = await emulator({});
    await emu.api('POST', '/v1/webhooks', { url: `${rx.url}/hooks`, events: ['*'] });
    await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: {} });
    await rx.waitForCount(1);
    emu.live.child.kill('SIGTERM');
    await emu.live.waitForStderr('waiting up to 3.5 s for 1 delivery in flight (signal again to stop now)');
    const { code, ms } = await signal(emu.live, 'SIGTERM');
    expect(code).toBe(143);
    expect(ms).toBeLessThan(1500);
    expect(emu.live.stderr()).toContain('stopping now');
  });
});
