// Delivery engine throughput: from the API accepting events (POST /v1/events, several concurrent
// posters) to a local receiver answering 200, against a direct serial undici POST loop to the same
// receiver measured in the same run. Target: ratio >= 0.5.
// The emulator runs as `propitbox dev` in a child process (as users run it); an in-process run is
// printed too, for reference.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

const N = 3000;
const WARMUP = 1000;
const ROUNDS = +(process.env.BENCH_ROUNDS ?? 5);
const POSTERS = +(process.env.BENCH_POSTERS ?? 32);
const KEY = 'ppk_test_bench0000000000000000';
const BIN = fileURLToPath(new URL('../../../bin/propitbox.js', import.meta.url));

function startReceiver() {
  const state = { count: 0, waiters: [] };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
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
        until: (n) => (state.count >= n ? Promise.resolve() : new Promise((r) => state.waiters.push({ n, resolve: r }))),
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
      }),
    ),
  );
}

async function directBaseline(url) {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const body = JSON.stringify({ id: 'evt_bench', type: 'vehicle.updated', created: new Date().toISOString(), data: { vehicle: { id: 'veh_1' } } });
  const once = async () => {
    const res = await request(url, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.body.text();
  };
  for (let i = 0; i < 200; i++) await once();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await once();
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await agent.close();
  return { rate: N / s, cpuPerReq: (cpu.user + cpu.system) / N };
}

async function api(agent, base, method, path, body) {
  const res = await request(base + path, { dispatcher: agent, method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

/** Post `n` events with POSTERS concurrent clients; resolves with [seconds until all were delivered, seconds until all were accepted]. */
async function pipeline(base, receiver, n) {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: POSTERS });
  const start = receiver.state.count;
  const t0 = performance.now();
  let next = 0;
  const poster = async () => {
    while (next < n) {
      next++;
      await api(agent, base, 'POST', '/v1/events', { type: 'vehicle.updated', data: { vehicle: { id: `veh_${next}`, status: 'active' } } });
    }
  };
  await Promise.all(Array.from({ length: POSTERS }, poster));
  const accepted = (performance.now() - t0) / 1000;
  await receiver.until(start + n);
  const delivered = (performance.now() - t0) / 1000;
  await agent.close();
  return { delivered, accepted };
}

/** CPU seconds (user + system) of a process, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

async function measure(base, receiver, childPid) {
  const cpu0 = process.cpuUsage();
  const child0 = childPid && cpuSeconds(childPid);
  const r = await pipeline(base, receiver, N);
  const cpu = process.cpuUsage(cpu0);
  const child1 = childPid && cpuSeconds(childPid);
  return {
    rate: N / r.delivered,
    accepted: N / r.accepted,
    cpuHere: (cpu.user + cpu.system) / N,
    cpuChild: child0 != null && child1 != null ? ((child1 - child0) * 1e6) / N : null,
  };
}

async function addEndpoint(base, receiver) {
  const agent = new Agent();
  await api(agent, base, 'POST', '/v1/webhooks', { url: receiver.url, events: ['*'] });
  await agent.close();
  await pipeline(base, receiver, WARMUP); // JIT, connections, SQLite pages
}

/** Baseline and pipeline alternate so each pair sees the same machine load. */
async function compare(label, base, receiver, childPid) {
  await addEndpoint(base, receiver);
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push({ direct: await directBaseline(receiver.url), engine: await measure(base, receiver, childPid) });
  // Each round pairs a direct run with an engine run made right after it, under the same load.
  const ratios = rounds.map((r) => r.engine.rate / r.direct.rate);
  const medianRound = rounds[ratios.indexOf(median(ratios))];
  const m = medianRound.engine;
  console.log(`  ${label}: ${m.rate.toFixed(0)} deliveries/s (API accepted ${m.accepted.toFixed(0)} events/s); direct loop ${medianRound.direct.rate.toFixed(0)} req/s (median round)`);
  console.log(`    ratio median ${median(ratios).toFixed(2)}x direct, best ${Math.max(...ratios).toFixed(2)}x (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}; target >= 0.5)`);
  // CPU per event is the steadier figure on a shared machine: wall-clock rates move with the neighbours' load.
  const med = (f) => median(rounds.map(f).filter((v) => v != null));
  const childCpu = childPid ? `, emulator process ${med((r) => r.engine.cpuChild).toFixed(0)} µs (best ${Math.min(...rounds.map((r) => r.engine.cpuChild)).toFixed(0)})` : '';
  console.log(`    CPU per event, median: this process (posters + receiver${childPid ? '' : ' + emulator'}) ${med((r) => r.engine.cpuHere).toFixed(0)} µs${childCpu}; direct loop ${med((r) => r.direct.cpuPerReq).toFixed(0)} µs per request`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

async function childEmulator(dataDir, bin = BIN) {
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the emulator child (open it in Chrome DevTools).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, bin, 'dev', '--headless', '--json', '--port', '0', '--data-dir', dataDir, '--api-key', KEY, '--no-profile'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"ready":true'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.on('exit', (code) => reject(new Error(`propitbox dev exited ${code}`)));
  });
  return { url, pid: child.pid, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) };
}

/**
 * BENCH_AB=<other bin/propitbox.js>: A/B of two builds under the same load. Both run as children; each
 * round measures A then B back to back, so a busy neighbour affects both alike.
 */
async function ab(receiver, dirs, otherBin) {
  const a = await childEmulator(dirs[0]);
  const b = await childEmulator(dirs[1], otherBin);
  try {
    for (const c of [a, b]) await addEndpoint(c.url, receiver);
    const rows = { A: [], B: [] };
    for (let i = 0; i < ROUNDS; i++) {
      rows.A.push(await measure(a.url, receiver, a.pid));
      rows.B.push(await measure(b.url, receiver, b.pid));
    }
    for (const [name, rs] of Object.entries(rows)) {
      console.log(`  ${name} (${name === 'A' ? BIN : otherBin}): median ${median(rs.map((r) => r.rate)).toFixed(0)} deliveries/s, emulator CPU per event median ${median(rs.map((r) => r.cpuChild)).toFixed(0)} µs (rounds: ${rs.map((r) => r.cpuChild.toFixed(0)).join(', ')})`);
    }
  } finally {
    await a.stop();
    await b.stop();
  }
}

export async function run() {
  if (process.env.BENCH_AB) {
    const receiver = await startReceiver();
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'propitbox-bench-')));
    try {
      await ab(receiver, dirs, process.env.BENCH_AB);
    } finally {
      await receiver.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
    return;
  }
  console.log(`  (N=${N} events per round, ${POSTERS} concurrent posters; direct = serial undici POST loop, same receiver)`);
  const receiver = await startReceiver();
  const dirs = [];
  try {
    dirs.push(mkdtempSync(join(tmpdir(), 'propitbox-bench-')));
    const child = await childEmulator(dirs[0]);
    try {
      await compare('propitbox dev (child process)', child.url, receiver, child.pid);
    } finally {
      await child.stop();
    }

    dirs.push(mkdtempSync(join(tmpdir(), 'propitbox-bench-')));
    const { startEmulator } = await import('../../../dist/server/emulator.js');
    const emu = await startEmulator({ port: 0, dataDir: dirs[1], apiKey: KEY });
    try {
      await compare('emulator in-process (one thread for posters, emulator and receiver)', emu.url, receiver);
    } finally {
      await emu.close();
    }
  } finally {
    await receiver.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
