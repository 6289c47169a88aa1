// Team relay: `propitbox serve` on SQLite (one node) vs PostgreSQL with one node and with three nodes
// behind HAProxy, same machine and run. Per configuration: accepted events/s and delivered events/s
// (POST /v1/events through the entry point, POSTERS concurrent clients, to a local endpoint), listen
// relay latency p50/p99 at 500 events/s (event sent -> the listen CLI's POST at the local app), and the
// CPU each event costs on the serve nodes and in PostgreSQL (from /proc), with the throughput one more
// core would add at that cost. Needs PROPITBOX_TEST_DATABASE_URL (test/cluster/pg.sh start) and haproxy.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';

const exec = promisify(execFile);
const N = +(process.env.BENCH_TEAM_EVENTS ?? 3000);
const POSTERS = +(process.env.BENCH_POSTERS ?? 32);
const LISTEN_RATE = 500;
const LISTEN_SECONDS = 6;
const KEY = 'ppk_test_benchteam000000000000';
const BIN = fileURLToPath(new URL('../../../bin/propitbox.js', import.meta.url));
const HAPROXY_SH = fileURLToPath(new URL('../../cluster/haproxy.sh', import.meta.url));
const CLK_TCK = 100;

const freePort = () => new Promise((resolve) => {
  const s = netServer();
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** CPU seconds of every PostgreSQL process on the machine (the server and its backends). */
function postgresCpu() {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (f.slice(f.indexOf('(') + 1, f.lastIndexOf(')')) === 'postgres') total += cpuOf(d);
    } catch {
      /* gone */
    }
  }
  return total;
}

function receiver(onRequest = () => undefined) {
  const state = { count: 0, waiters: [] };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      onRequest(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
      state.count++;
      state.waiters = state.waiters.filter((w) => (state.count >= w.n ? (w.resolve(), false) : true));
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/hook`,
        state,
        until: (n, ms = 120_000) => Promise.race([state.count >= n ? Promise.resolve() : new Promise((r) => state.waiters.push({ n, resolve: r })), new Promise((_, j) => setTimeout(() => j(new Error(`only ${state.count} of ${n} arrived`)), ms).unref())]),
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
      }),
    ),
  );
}

function spawnCli(args, env) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return {
    child,
    out: () => out,
    until: (re, ms = 30_000) =>
      new Promise((resolve, reject) => {
        const t0 = Date.now();
        const tick = () => (re.test(out) ? resolve() : Date.now() - t0 > ms ? reject(new Error(`timed out waiting for ${re}: ${out.slice(-400)}`)) : setTimeout(tick, 50));
        tick();
      }),
    stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGKILL')))),
  };
}

async function startNodes(kind, count, databaseUrl) {
  const home = mkdtempSync(join(tmpdir(), 'propitbox-bench-team-'));
  const schema = `bench_${Date.now().toString(36)}`;
  const lbPort = await freePort();
  const ports = [];
  const nodes = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    ports.push(port);
    const env = { HOME: home, PROPITBOX_CONFIG_DIR: join(home, 'config'), PROPITBOX_STATE_DIR: join(home, 'state'), PROPITBOX_API_KEY: KEY, ...(kind === 'postgres' ? { PROPITBOX_DATABASE_URL: databaseUrl, PROPITBOX_DATABASE_SCHEMA: schema } : {}) };
    const publicUrl = count > 1 ? `http://127.0.0.1:${lbPort}` : `http://127.0.0.1:${port}`;
    const node = spawnCli(['serve', '--port', String(port), '--public-url', publicUrl, '--data-dir', join(home, `node${i}`)], env);
    await node.until(/"kind":"ready"/);
    nodes.push(node);
  }
  let entry = `http://127.0.0.1:${ports[0]}`;
  const lbDir = join(home, 'lb');
  if (count > 1) {
    await exec(HAPROXY_SH, ['start', lbDir, String(lbPort), ...ports.map((p) => `127.0.0.1:${p}`)]);
    entry = `http://127.0.0.1:${lbPort}`;
    for (let i = 0; i < 100; i++) {
      // every node must answer through the balancer before measuring
      const ok = await fetch(`${entry}/v1/health`).then((r) => r.ok, () => false);
      if (ok && i > 20) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    entry,
    nodes,
    cpu: () => nodes.reduce((s, n) => s + cpuOf(n.child.pid), 0),
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      if (count > 1) await exec(HAPROXY_SH, ['stop', lbDir]).catch(() => undefined);
      if (kind === 'postgres') {
        const { default: pg } = await import('pg');
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function api(agent, base, method, path, body) {
  const res = await request(base + path, { dispatcher: agent, method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

async function measure(kind, count, databaseUrl) {
  const cluster = await startNodes(kind, count, databaseUrl);
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: POSTERS });
  const rx = await receiver();
  try {
    const ep = await api(agent, cluster.entry, 'POST', '/v1/webhooks', { url: rx.url, events: ['vehicle.*'] });
    // Warm-up, then the measured run.
    const post = async (n) => {
      let next = 0;
      const poster = async () => {
        while (next < n) {
          next++;
          await api(agent, cluster.entry, 'POST', '/v1/events', { type: 'vehicle.updated', data: { n: next } });
        }
      };
      await Promise.all(Array.from({ length: POSTERS }, poster));
    };
    await post(300);
    await rx.until(300);
    const base = rx.state.count;
    const cpu0 = cluster.cpu();
    const pg0 = kind === 'postgres' ? postgresCpu() : 0;
    const t0 = performance.now();
    await post(N);
    const acceptS = (performance.now() - t0) / 1000;
    await rx.until(base + N);
    const deliverS = (performance.now() - t0) / 1000;
    const nodeCpu = cluster.cpu() - cpu0;
    const pgCpu = kind === 'postgres' ? postgresCpu() - pg0 : 0;
    await api(agent, cluster.entry, 'DELETE', `/v1/webhooks/${ep.id}`);

    // Listen relay latency at a steady 500/s: sent (in the event) -> the listen CLI's POST arrives.
    const latencies = [];
    const lrx = await receiver((body) => {
      const sent = JSON.parse(body.toString()).data?.sent;
      if (sent) latencies.push(Date.now() - sent);
    });
    const home = mkdtempSync(join(tmpdir(), 'propitbox-bench-listen-'));
    const listen = spawnCli(['webhooks', 'listen', '--api-url', cluster.entry, '--api-key', KEY, '--forward-to', lrx.url, '--events', 'session.ended', '--format', 'json', '--no-tui'], { HOME: home, PROPITBOX_CONFIG_DIR: join(home, 'c'), PROPITBOX_STATE_DIR: join(home, 's') });
    await listen.until(/"kind":"ready"/);
    const total = LISTEN_RATE * LISTEN_SECONDS;
    const t1 = performance.now();
    const sends = [];
    for (let i = 0; i < total; i++) {
      const due = t1 + (i * 1000) / LISTEN_RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      sends.push(api(agent, cluster.entry, 'POST', '/v1/events', { type: 'session.ended', data: { sent: Date.now() } }));
    }
    await Promise.all(sends);
    await lrx.until(total);
    await listen.stop();
    await lrx.close();
    rmSync(home, { recursive: true, force: true });
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
    return { accepted: N / acceptS, delivered: N / deliverS, nodeMsPerEvent: (nodeCpu * 1000) / N, pgMsPerEvent: (pgCpu * 1000) / N, p50: pct(0.5), p99: pct(0.99) };
  } finally {
    await agent.close();
    await rx.close();
    await cluster.stop();
  }
}

export async function run() {
  const databaseUrl = process.env.PROPITBOX_BENCH_DATABASE_URL ?? process.env.PROPITBOX_TEST_DATABASE_URL;
  const haproxy = await exec('haproxy', ['-v']).then(() => true, () => false);
  const configs = [['sqlite', 1]];
  if (databaseUrl) configs.push(['postgres', 1]);
  if (databaseUrl && haproxy) configs.push(['postgres', 3]);
  if (!databaseUrl) console.log('  (PostgreSQL skipped: set PROPITBOX_TEST_DATABASE_URL, e.g. URL=$(test/cluster/pg.sh start))');
  console.log(`  ${N} events to one endpoint (${POSTERS} concurrent posters), then listen at ${LISTEN_RATE}/s for ${LISTEN_SECONDS} s; CPU from /proc`);
  for (const [kind, count] of configs) {
    const r = await measure(kind, count, databaseUrl);
    const perCore = (ms) => (ms > 0 ? `${Math.round(1000 / ms)}/s per core` : '-');
    console.log(
      `  ${`${kind}, ${count} node${count > 1 ? 's' : ''}`.padEnd(20)} accepted ${Math.round(r.accepted).toString().padStart(5)}/s  delivered ${Math.round(r.delivered).toString().padStart(5)}/s  ` +
        `listen p50 ${r.p50} ms p99 ${r.p99} ms  cpu/event: nodes ${r.nodeMsPerEvent.toFixed(2)} ms (${perCore(r.nodeMsPerEvent)}), postgres ${kind === 'postgres' ? `${r.pgMsPerEvent.toFixed(2)} ms (${perCore(r.pgMsPerEvent)})` : '-'}`,
    );
  }
}
