// Delivery engine throughput, as a sender sees it: the clock starts at the first POST /v1/events
// (several concurrent posters) and stops when the receiver has answered the last delivery. The
// receiver is its own process (like a user's app; the harness's, with its answer times), so the posters'
// work does not delay its answers. Baseline, measured in the same round: a direct serial undici POST
// loop to the same receiver (issue 13's "direct"); the same loop at the posters' concurrency is
// printed too, as the like-for-like figure. Target: ratio to the serial loop >= 0.6, no round < 0.45.
// The emulator runs as `propitbox dev` in a child process (as users run it); an in-process run is
// printed too, for reference.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { loadText, now, procStats, startDevEmulator, startReceiver } from '../lib/harness.mjs';

const N = 3000;
const WARMUP = 1000;
const ROUNDS = +(process.env.BENCH_ROUNDS ?? 5);
const POSTERS = +(process.env.BENCH_POSTERS ?? 32);
const KEY = 'ppk_test_bench0000000000000000';
const BIN = fileURLToPath(new URL('../../../bin/propitbox.js', import.meta.url));
let seq = 0;

/** The direct loop: `inFlight` senders POST events straight to the receiver; rate until its last answer. */
async function direct(receiver, inFlight, n = N) {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: inFlight });
  const created = new Date().toISOString();
  const ids = [];
  const once = async () => {
    const id = `evt_direct_${seq++}`;
    ids.push(id);
    const res = await request(receiver.url, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"id":"${id}","type":"vehicle.updated","created":"${created}","data":{"vehicle":{"id":"veh_1"}}}` });
    await res.body.text();
  };
  const loop = async (count) => {
    let i = 0;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (i < count) {
        i++;
        await once();
      }
    }));
  };
  const before = receiver.answered.size;
  await loop(200);
  await receiver.until(before + 200);
  ids.length = 0;
  const base = before + 200;
  const cpu0 = process.cpuUsage();
  const r0 = procStats(receiver.pid);
  const t0 = now();
  await loop(n);
  await receiver.until(base + n);
  const cpu = process.cpuUsage(cpu0);
  const r1 = procStats(receiver.pid);
  await agent.close();
  return { rate: n / ((lastAnswer(receiver, ids) - t0) / 1000), cpuPerReq: (cpu.user + cpu.system) / n + ((r1.cpu - r0.cpu) * 1e6) / n };
}

/** When the receiver answered the last of `ids` (its own clock, shared with this process). */
function lastAnswer(receiver, ids) {
  let last = 0;
  for (const id of ids) last = Math.max(last, receiver.answered.get(id) ?? 0);
  return last;
}

async function api(agent, base, method, path, body) {
  const res = await request(base + path, { dispatcher: agent, method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

const EVENT_ID_AT = '{"event":{"id":"'.length;
const HEADERS = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

/**
 * One POST /v1/events; its event id. Lean on purpose (a template body, the id sliced from the answer,
 * which starts with the stored event): the posters share the machine with what is measured.
 */
async function postEvent(agent, base, i) {
  const res = await request(`${base}/v1/events`, { dispatcher: agent, method: 'POST', headers: HEADERS, body: `{"type":"vehicle.updated","data":{"vehicle":{"id":"veh_${i}","status":"active"}}}` });
  const text = await res.body.text();
  if (res.statusCode !== 201 || !text.startsWith('{"event":{"id":"')) throw new Error(`POST /v1/events: ${res.statusCode} ${text}`);
  return text.slice(EVENT_ID_AT, text.indexOf('"', EVENT_ID_AT));
}

/** Post `n` events with POSTERS concurrent clients; seconds until the receiver answered the last delivery, and until the API answered the last POST. */
async function pipeline(base, receiver, n) {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: POSTERS });
  const start = receiver.answered.size;
  const ids = [];
  const t0 = now();
  let next = 0;
  const poster = async () => {
    while (next < n) {
      next++;
      ids.push(await postEvent(agent, base, next));
    }
  };
  await Promise.all(Array.from({ length: POSTERS }, poster));
  const accepted = (now() - t0) / 1000;
  await receiver.until(start + n);
  const delivered = (lastAnswer(receiver, ids) - t0) / 1000;
  await agent.close();
  return { delivered, accepted };
}

async function measure(base, receiver, childPid) {
  const cpu0 = process.cpuUsage();
  const child0 = childPid && procStats(childPid);
  const r0 = procStats(receiver.pid);
  const r = await pipeline(base, receiver, N);
  const cpu = process.cpuUsage(cpu0);
  const child1 = childPid && procStats(childPid);
  const r1 = procStats(receiver.pid);
  return {
    rate: N / r.delivered,
    accepted: N / r.accepted,
    cpuHere: (cpu.user + cpu.system) / N,
    cpuReceiver: ((r1.cpu - r0.cpu) * 1e6) / N,
    cpuChild: childPid ? ((child1.cpu - child0.cpu) * 1e6) / N : null,
  };
}

async function addEndpoint(base, receiver) {
  const agent = new Agent();
  await api(agent, base, 'POST', '/v1/webhooks', { url: receiver.url, events: ['*'] });
  await agent.close();
  await pipeline(base, receiver, WARMUP); // JIT, connections, SQLite pages
}

/** Baselines and pipeline alternate so each round sees the same machine load. */
async function compare(label, base, receiver, childPid) {
  await addEndpoint(base, receiver);
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push({ direct: await direct(receiver, 1), wide: await direct(receiver, POSTERS), engine: await measure(base, receiver, childPid) });
  const ratios = rounds.map((r) => r.engine.rate / r.direct.rate);
  const wide = rounds.map((r) => r.engine.rate / r.wide.rate);
  const medianRound = rounds[ratios.indexOf(median(ratios))];
  const m = medianRound.engine;
  console.log(`  ${label}: ${m.rate.toFixed(0)} deliveries/s (API accepted ${m.accepted.toFixed(0)} events/s); direct serial loop ${medianRound.direct.rate.toFixed(0)} req/s, ${POSTERS} in flight ${medianRound.wide.rate.toFixed(0)} req/s (median round; load ${loadText()})`);
  console.log(`    ratio to the serial loop: median ${median(ratios).toFixed(2)}x, min ${Math.min(...ratios).toFixed(2)}x (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}; target >= 0.6, no round < 0.45)`);
  console.log(`    ratio to the loop at ${POSTERS} in flight: median ${median(wide).toFixed(2)}x (rounds: ${wide.map((r) => r.toFixed(2)).join(', ')})`);
  // CPU per event is the steadier figure on a shared machine: wall-clock rates move with the neighbours' load.
  const med = (f) => median(rounds.map(f).filter((v) => v != null));
  const childCpu = childPid ? `, emulator ${med((r) => r.engine.cpuChild).toFixed(0)} µs (min ${Math.min(...rounds.map((r) => r.engine.cpuChild)).toFixed(0)})` : '';
  console.log(`    CPU per event, median: posters${childPid ? '' : ' + emulator'} ${med((r) => r.engine.cpuHere).toFixed(0)} µs, receiver ${med((r) => r.engine.cpuReceiver).toFixed(0)} µs${childCpu}; serial loop ${med((r) => r.direct.cpuPerReq).toFixed(0)} µs per request (sender + receiver)`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function childEmulator(dataDir, bin = BIN) {
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the emulator child (open it in Chrome DevTools).
  const nodeArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  return startDevEmulator({ dataDir, apiKey: KEY, bin, nodeArgs });
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
  console.log(`  (N=${N} events per round, ${POSTERS} concurrent posters; receiver in its own process; direct = undici POST loop to it)`);
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
      await compare('emulator in-process (one thread for posters and emulator)', emu.url, receiver);
    } finally {
      await emu.close();
    }
  } finally {
    await receiver.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
