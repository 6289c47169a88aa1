// Node failover, counted. Three `serve` nodes on one PostgreSQL behind HAProxy; three `webhooks listen`
// clients (two keys) connected through HAProxy; two endpoints on local receivers; a producer sends
// events through HAProxy for 30 s. Mid-stream the node holding the most listen sessions is killed with
// kill -9; later another gets SIGTERM. At the receivers: 0 lost on every path; duplicates only on
// endpoint deliveries that were in flight on the killed node (same bytes, same webhook-id); 0
// duplicates forwarded by a listen CLI; no event of one key reaches the other's receivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../helpers/emulator.js';
import { freshSchema, pgAvailable, PG_URL, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv, spawnCli, type LiveCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { haproxyAvailable, startCluster, type Cluster } from './cluster.js';

const ADMIN = 'admin_failover_0123456789abcdef';
const PRODUCE_MS = 30_000;
const RATE_PER_KEY = 20; // events per second per key
const run = pgAvailable() && (await haproxyAvailable());
if (!run && (process.env.CI || process.env.PROPITBOX_REQUIRE_PG)) throw new Error('the failover test needs PostgreSQL (PROPITBOX_TEST_DATABASE_URL) and haproxy: .ci/run installs both');

describe.skipIf(!run)('team relay failover (3 nodes on PostgreSQL behind HAProxy)', () => {
  let schema: TestSchema;
  let cluster: Cluster;
  const receivers: Record<'endpointA' | 'endpointB' | 'listenA1' | 'listenA2' | 'listenB', Receiver> = {} as never;
  const listeners: LiveCli[] = [];
  const keys = { A: '', B: '' };

  beforeAll(async () => {
    schema = await freshSchema();
    // Fast retries and a short timeout: a dead node's leases (2 x timeout + 10 s) lapse within the test.
    cluster = await startCluster({ databaseUrl: PG_URL!, schema: schema.schema, nodes: 3, adminKey: ADMIN, args: ['--retry-schedule', '200ms,500ms,1s,2s,5s', '--timeout', '2s'] });
    const admin = (method: string, path: string, body?: unknown) => callApi(cluster.url, method, path, body, { authorization: `Bearer ${ADMIN}` });
    keys.A = (await admin('POST', '/v1/api-keys', { name: 'alice' })).body.key;
    keys.B = (await admin('POST', '/v1/api-keys', { name: 'bob' })).body.key;
    // Endpoint receivers answer after 250 ms, so the killed node has deliveries in flight when it dies.
    for (const name of ['endpointA', 'endpointB'] as const) receivers[name] = await startReceiver(() => ({ status: 200, body: 'OK', delay: 250 }));
    for (const name of ['listenA1', 'listenA2', 'listenB'] as const) receivers[name] = await startReceiver();
    const as = (key: string) => (method: string, path: string, body?: unknown) => callApi(cluster.url, method, path, body, { authorization: `Bearer ${key}` });
    expect((await as(keys.A)('POST', '/v1/webhooks', { url: `${receivers.endpointA.url}/hook`, events: ['*'] })).status).toBe(201);
    expect((await as(keys.B)('POST', '/v1/webhooks', { url: `${receivers.endpointB.url}/hook`, events: ['*'] })).status).toBe(201);
    for (const [key, rx] of [
      [keys.A, receivers.listenA1],
      [keys.A, receivers.listenA2],
      [keys.B, receivers.listenB],
    ] as const) {
      const l = spawnCli(['webhooks', 'listen', '--api-url', cluster.url, '--api-key', key, '--forward-to', `${rx.url}/hook`, '--format', 'json', '--no-tui'], { env: isolatedEnv({ PROPITBOX_RELAY_HEARTBEAT_MS: '2000' }) });
      listeners.push(l);
      await l.waitForStdout('"kind":"ready"', 30_000);
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(listeners.map((l) => l.stop('SIGKILL')));
    await cluster?.stop();
    await Promise.all(Object.values(receivers).map((r) => r?.close()));
    await schema?.drop();
  });

  it('loses nothing when a node is killed and another stopped mid-stream, and keeps the keys apart', async () => {
    const { default: pg } = await import('pg');
    const db = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema.schema}` });
    await db.connect();
    const accepted = { A: new Set<string>(), B: new Set<string>() };
    let failedRequests = 0;
    // One producer per key; an event is sent until the relay confirms it (201, or 409: an earlier try was committed).
    const produce = async (k: 'A' | 'B', until: number) => {
      for (let n = 0; Date.now() < until; n++) {
        const id = `evt_fo_${k.toLowerCase()}_${n}`;
        const started = Date.now();
        for (;;) {
          const r = await callApi(cluster.url, 'POST', '/v1/events', { type: n % 2 ? 'vehicle.updated' : 'maintenance.task.created', id }, { authorization: `Bearer ${keys[k]}` }).catch(() => null);
          if (r && (r.status === 201 || r.status === 409)) break;
          failedRequests++;
          await new Promise((res) => setTimeout(res, 100)); // the balancer needs a moment to mark a dead node down
        }
        accepted[k].add(id);
        const wait = 1000 / RATE_PER_KEY - (Date.now() - started);
        if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      }
    };
    const t0 = Date.now();
    const producing = Promise.all([produce('A', t0 + PRODUCE_MS), produce('B', t0 + PRODUCE_MS)]);

    // A third in: kill -9 the node holding the most listen sessions.
    await waitFor(() => Date.now() > t0 + PRODUCE_MS / 3 || undefined, { timeout: PRODUCE_MS, interval: 200, what: 'a third of the run' });
    const holders = (await db.query<{ node: string; n: number }>('SELECT node, count(*)::int AS n FROM listen_sessions WHERE node IS NOT NULL GROUP BY node ORDER BY n DESC')).rows;
    const victim = cluster.nodes.find((n) => n.name === holders[0].node)!;
    expect(victim).toBeDefined();
    const inflight = (await db.query<{ event_id: string }>("SELECT event_id FROM deliveries WHERE lease_node = $1 AND status = 'pending' AND endpoint_id IS NOT NULL", [victim.name])).rows.map((r) => r.event_id);
    await victim.live.stop('SIGKILL');
    // Two thirds in: SIGTERM another node (graceful: it gives its work back and closes its sockets).
    await waitFor(() => Date.now() > t0 + (2 * PRODUCE_MS) / 3 || undefined, { timeout: PRODUCE_MS, interval: 200, what: 'two thirds of the run' });
    const stopped = cluster.nodes.find((n) => n !== victim)!;
    const inflightTerm = (await db.query<{ event_id: string }>("SELECT event_id FROM deliveries WHERE lease_node = $1 AND status = 'pending' AND endpoint_id IS NOT NULL", [stopped.name])).rows.length;
    // serve ends a SIGTERM with 0 (a stop asked for, e.g. by systemd), within its 5 s.
    expect(await stopped.live.stop('SIGTERM')).toBe(0);
    await producing;
    const producedMs = Date.now() - t0;

    const idsAt = (rx: Receiver) => rx.requests.map((r) => (JSON.parse(r.body) as { id: string }).id);
    const expectations: [keyof typeof receivers, Set<string>][] = [
      ['endpointA', accepted.A],
      ['endpointB', accepted.B],
      ['listenA1', accepted.A],
      ['listenA2', accepted.A],
      ['listenB', accepted.B],
    ];
    // Everything arrives: the dead node's leases lapse (14 s) and a live node takes them over.
    await waitFor(() => expectations.every(([rx, want]) => [...want].every((id) => idsAt(receivers[rx]).includes(id))), {
      timeout: 90_000,
      interval: 500,
      what: 'every accepted event at every receiver',
    }).catch(() => undefined);

    const count = (name: keyof typeof receivers, want: Set<string>, other: Set<string>) => {
      const got = idsAt(receivers[name]);
      const seen = new Map<string, ReceivedRequest[]>();
      receivers[name].requests.forEach((r, i) => seen.set(got[i], [...(seen.get(got[i]) ?? []), r]));
      const dupes = [...seen.entries()].filter(([, rs]) => rs.length > 1);
      return {
        receiver: name,
        expected: want.size,
        received: receivers[name].requests.length,
        lost: [...want].filter((id) => !seen.has(id)).length,
        duplicates: dupes.length,
        dupIds: dupes.map(([id]) => id),
        sameBytes: dupes.every(([, rs]) => rs.every((r) => r.raw.equals(rs[0].raw) && r.headers['webhook-id'] === rs[0].headers['webhook-id'])),
        otherKey: got.filter((id) => other.has(id)).length,
      };
    };
    const rows = [count('endpointA', accepted.A, accepted.B), count('endpointB', accepted.B, accepted.A), count('listenA1', accepted.A, accepted.B), count('listenA2', accepted.A, accepted.B), count('listenB', accepted.B, accepted.A)];
    // The counts, printed: the closing note quotes them.
    console.log(
      [
        `failover: produced ${accepted.A.size + accepted.B.size} events in ${(producedMs / 1000).toFixed(1)} s (${failedRequests} sends retried through the balancer)`,
        `  kill -9 ${victim.name} (held ${holders[0].n} of the listen sessions, ${inflight.length} endpoint deliveries leased); SIGTERM ${stopped.name} (${inflightTerm} leased, given back)`,
        ...rows.map((r) => `  ${r.receiver.padEnd(10)} expected ${String(r.expected).padStart(5)}  received ${String(r.received).padStart(5)}  lost ${r.lost}  duplicates ${r.duplicates}  other key's ${r.otherKey}`),
      ].join('\n'),
    );
    await db.end();

    for (const r of rows) {
      expect(r.lost, `${r.receiver}: lost`).toBe(0);
      expect(r.otherKey, `${r.receiver}: events of the other key`).toBe(0);
    }
    // A listen CLI that lived through it forwarded nothing twice.
    for (const r of rows.filter((x) => x.receiver.startsWith('listen'))) expect(r.duplicates, `${r.receiver}: duplicates`).toBe(0);
    // Endpoint duplicates: only deliveries the killed node held, each with identical bytes and webhook-id.
    for (const r of rows.filter((x) => x.receiver.startsWith('endpoint'))) {
      expect(r.sameBytes).toBe(true);
      expect(r.dupIds.filter((id) => !inflight.includes(id)), `${r.receiver}: duplicates not in flight on the killed node`).toEqual([]);
    }
  }, 240_000);
});
