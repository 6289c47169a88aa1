// At-least-once under failure: dropped websockets (server terminate + TCP resets through a proxy) and
// an emulator killed with kill -9 and restarted. 0 lost; duplicates only with the same id and bytes.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnTestEmulator, startTestEmulator, TEST_API_KEY } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv, spawnCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { startTcpProxy } from '../relay/tcp-proxy.js';
import { relayFor } from '../../src/server/relay/index.js';
import { DEFAULT_OWNER } from '../../src/server/store/store.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!().catch(() => undefined);
});

function distinct(r: Receiver): Map<string, string> {
  const bodies = new Map<string, string>();
  for (const q of r.requests) {
    const id = JSON.parse(q.body).id as string;
    const prev = bodies.get(id);
    if (prev !== undefined) expect(q.body).toBe(prev); // a duplicate is the same event, byte for byte
    bodies.set(id, q.body);
  }
  return bodies;
}

describe('listen resilience', () => {
  it('delivers 5,000 events through 20 dropped connections with 0 lost', async () => {
    const emu = await startTestEmulator();
    cleanup.push(() => emu.close());
    const proxy = await startTcpProxy(Number(new URL(emu.url).port));
    cleanup.push(() => proxy.close());
    const r = await startReceiver();
    cleanup.push(() => r.close());
    const l = spawnCli(['webhooks', 'listen', '--no-tui', '--format', 'json', '--forward-to', `${r.url}/hook`], {
      env: isolatedEnv({ PROPITBOX_API_URL: proxy.url, PROPITBOX_API_KEY: TEST_API_KEY }),
    });
    cleanup.push(() => l.stop('SIGKILL'));
    await l.waitForStdout('"kind":"ready"');
    const hub = relayFor(emu.emulator.context, emu.emulator.app).hub;
    const sessionId = /"session_id":"(ls_\w+)"/.exec(l.stdout())![1];

    const TOTAL = 5_000;
    const ids: string[] = [];
    const produce = (async () => {
      for (let i = 0; i < TOTAL; i += 50) {
        const batch = await Promise.all(Array.from({ length: 50 }, (_, k) => emu.emulator.dispatcher.createGrouped(DEFAULT_OWNER, { type: (i + k) % 2 ? 'vehicle.updated' : 'maintenance.task.created', data: { n: i + k } })));
        ids.push(...batch.map((r) => r.event.id));
      }
    })();
    // Events already received keep being forwarded while the client reconnects, so wait for the
    // connection to be back before each drop: a drop during backoff would cut nothing.
    const readies = () => l.stdout().match(/"kind":"connection","state":"ready"/g)?.length ?? 0;
    const firstReadies = readies();
    let drops = 0;
    for (let k = 1; k <= 20; k++) {
      await waitFor(() => r.requests.length >= k * 200, { timeout: 30_000, what: `${k * 200} forwarded` });
      await waitFor(() => readies() >= firstReadies + k - 1, { timeout: 30_000, what: `the connection back after drop ${k - 1}` });
      if (k % 2) await waitFor(() => hub.terminate(sessionId), { what: 'a relay socket to terminate' });
      else await waitFor(() => proxy.reset() > 0, { what: 'a proxied connection to reset' });
      drops++;
    }
    await produce;
    await waitFor(() => distinct(r).size >= TOTAL, { timeout: 40_000, what: `all ${TOTAL} events (have ${distinct(r).size})` });
    const got = distinct(r);
    expect(drops).toBe(20);
    expect(ids.filter((id) => !got.has(id))).toEqual([]);
    expect(got.size).toBe(TOTAL);
    expect(l.stdout().match(/"kind":"reconnecting"/g)?.length ?? 0).toBeGreaterThanOrEqual(20);
  });

  it('resumes after the emulator is killed with kill -9 and restarted on the same port and data dir', async () => {
    const first = await spawnTestEmulator();
    let emu = first;
    cleanup.push(() => emu.kill9());
    // A slightly slow receiver keeps the stream going while the emulator dies.
    const r = await startReceiver(() => ({ status: 200, delay: 3 }));
    cleanup.push(() => r.close());
    const l = spawnCli(['webhooks', 'listen', '--no-tui', '--forward-to', `${r.url}/hook`], {
      env: isolatedEnv({ PROPITBOX_API_URL: first.url, PROPITBOX_API_KEY: TEST_API_KEY }),
    });
    cleanup.push(() => l.stop('SIGKILL'));
    await l.waitForStdout('Ready!');
    const TOTAL = 1_000;
    const ids: string[] = [];
    const post = async () => {
      const res = await first.api('POST', '/v1/events', { type: 'parts.inventory.low' });
      expect(res.status).toBe(201);
      ids.push(res.body.event.id);
    };
    for (let i = 0; i < TOTAL; i += 20) await Promise.all(Array.from({ length: 20 }, post));
    await r.waitForCount(300);
    await first.kill9();
    expect(distinct(r).size).toBeLessThan(TOTAL); // really mid-stream
    emu = await spawnTestEmulator({ dataDir: first.dataDir, port: first.port, env: first.env });
    await waitFor(() => distinct(r).size >= TOTAL, { timeout: 40_000, what: `all ${TOTAL} events after the restart (have ${distinct(r).size})` });
    const got = distinct(r);
    expect(ids.filter((id) => !got.has(id))).toEqual([]);
    await l.waitForStderr('Reconnected');
  });
});

describe('listen liveness', () => {
  it('re-creates the session when the emulator comes back without it (data wiped), and says the secret changed', async () => {
    const first = await spawnTestEmulator();
    let emu = first;
    cleanup.push(() => emu.kill9());
    const r = await startReceiver();
    cleanup.push(() => r.close());
    const l = spawnCli(['webhooks', 'listen', '--no-tui', '--format', 'json', '--forward-to', r.url], {
      env: isolatedEnv({ PROPITBOX_API_URL: first.url, PROPITBOX_API_KEY: TEST_API_KEY }),
    });
    cleanup.push(() => l.stop('SIGKILL'));
    await l.waitForStdout('"kind":"ready"');
    await first.kill9();
    emu = await spawnTestEmulator({ port: first.port, env: first.env }); // a fresh data dir
    const lines = () => l.stdout().trim().split('\n').map((x) => JSON.parse(x));
    await waitFor(() => lines().some((x) => x.kind === 'connection' && x.state === 'session-recreated'));
    await waitFor(() => lines().filter((x) => x.kind === 'ready').length === 2);
    expect(lines().some((x) => x.kind === 'error' && /secret changed/.test(x.message) && x.fatal === false)).toBe(true);
    const res = await emu.api('POST', '/v1/events', { type: 'vehicle.created' });
    await waitFor(() => r.requests.some((q) => JSON.parse(q.body).id === res.body.event.id));
  });

  it('detects a silent relay (no pongs for 2 heartbeats, e.g. after a laptop sleep) and recovers', async () => {
    const env = isolatedEnv({ PROPITBOX_RELAY_HEARTBEAT_MS: '300' });
    const emu = await spawnTestEmulator({ env });
    cleanup.push(() => emu.kill9());
    const r = await startReceiver();
    cleanup.push(() => r.close());
    const l = spawnCli(['webhooks', 'listen', '--no-tui', '--forward-to', r.url], { env: { ...env, PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: TEST_API_KEY } });
    cleanup.push(() => l.stop('SIGKILL'));
    await l.waitForStdout('Ready!');
    const pid = emu.live.child.pid!;
    process.kill(pid, 'SIGSTOP'); // the relay goes silent without closing anything, like a sleeping laptop's peer
    try {
      await l.waitForStderr(/Connection lost \(no heartbeat from the relay for \d+ s\)/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await l.waitForStderr('Reconnected');
    const res = await emu.api('POST', '/v1/events', { type: 'session.ended' });
    await waitFor(() => r.requests.some((q) => JSON.parse(q.body).id === res.body.event.id));
  });
});
