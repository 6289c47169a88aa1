// End to end, as a sender sees it: the clock starts when the sender sends its request and stops when
// the local receiver answers the forwarded one. Three paths to the same receiver (its own process):
//   direct  sender -> receiver (the baseline)
//   events  sender POST /v1/events -> `propitbox dev` -> `propitbox webhooks listen` -> receiver
//   ingest  sender POST /in/<token> -> `propitbox dev` -> `propitbox webhooks listen --ingest` -> receiver
// Every process is a child, as users run them. Each round runs the three paths back to back (so a
// busy neighbour slows them alike), in three shapes: paced at 500/s (the first run of a round, on a
// listen process started just before it: its first seconds count), serial (one request at a time,
// the next once the previous is answered: by the API for events/ingest, by the receiver for direct)
// and 16 in flight (listen --concurrency 16). Throughput counts until the receiver answered the last
// event. Figures: median over rounds [min-max]; CPU seconds of listen and the emulator per 10k events.
// Targets (issue 13): serial and 16 in flight >= 0.5x direct; paced added p50 <= 1 ms, p99 <= 5 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { loadText, median, now, pct, procStats, sleep, startDevEmulator, startListen, startReceiver } from '../lib/harness.mjs';

const ROUNDS = Number(process.env.BENCH_E2E_ROUNDS ?? 5);
const N_SERIAL = Number(process.env.BENCH_E2E_N ?? 2000);
const N_PARALLEL = 2 * N_SERIAL;
const IN_FLIGHT = 16;
const RATE = 500;
const PACED_SECONDS = Number(process.env.BENCH_E2E_SECONDS ?? 4);
const KEY = 'ppk_test_bench_e2e_0123456789abcd';
const PATHS = ['direct', 'events', 'ingest'];

/** What the sender sends on each path; resolves when the sender has its answer. */
function sender(path, receiverUrl, apiUrl, ingestUrl, connections) {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections });
  const json = { 'content-type': 'application/json' };
  const target = {
    direct: { url: receiverUrl, headers: json, status: 200, body: (id, i) => `{"id":"${id}","type":"vehicle.created","created":"2024-12-25T10:30:00Z","data":{"i":${i}}}` },
    events: { url: `${apiUrl}/v1/events`, headers: { ...json, authorization: `Bearer ${KEY}` }, status: 201, body: (id, i) => `{"id":"${id}","type":"vehicle.created","data":{"i":${i}}}` },
    ingest: { url: ingestUrl, headers: json, status: 202, body: (id, i) => `{"id":"${id}","type":"vehicle.created","created":"2024-12-25T10:30:00Z","data":{"i":${i}}}` },
  }[path];
  return {
    async send(id, i) {
      const res = await request(target.url, { method: 'POST', headers: target.headers, body: target.body(id, i), dispatcher: agent });
      const text = await res.body.text();
      if (res.statusCode !== target.status) throw new Error(`${path}: ${res.statusCode} ${text}`);
    },
    close: () => agent.close(),
  };
}

/** `n` requests, `inFlight` at once (or paced at `rate`/s); latencies and the rate up to the last answer. */
async function drive(s, recv, tag, { n, inFlight = 1, rate = 0 }) {
  const sent = new Map();
  const base = recv.answered.size;
  const t0 = now();
  const one = (i) => {
    const id = `evt_${tag}_${i}`;
    sent.set(id, now());
    return s.send(id, i);
  };
  if (rate) {
    const start = performance.now();
    const pending = [];
    for (let i = 0; i < n; i++) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 1) await sleep(wait);
      pending.push(one(i));
    }
    await Promise.all(pending);
  } else {
    let next = 0;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < n) await one(next++);
    }));
  }
  await recv.until(base + n);
  let last = t0;
  const lat = [];
  for (const [id, t] of sent) {
    const answered = recv.answered.get(id);
    lat.push(answered - t);
    if (answered > last) last = answered;
  }
  return { rate: (n * 1000) / (last - t0), lat };
}

async function createChannel(apiUrl) {
  const res = await request(`${apiUrl}/v1/ingest-channels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ description: 'bench', rate_limit_per_second: 100_000 }),
  });
  const ch = await res.body.json();
  if (res.statusCode >= 300) throw new Error(`create channel: ${res.statusCode} ${JSON.stringify(ch)}`);
  return ch;
}

/** One shape on the three paths: a fresh listen per relay path; CPU and peak RSS of listen and the emulator. */
async function shape(ctx, round, name, opts, listenConcurrency) {
  const out = {};
  for (const path of PATHS) {
    const tag = `r${round}${name}${path[0]}`;
    const s = sender(path, ctx.recv.url, ctx.emu.url, ctx.channel.url, opts.inFlight ?? 64);
    if (path === 'direct') {
      out[path] = await drive(s, ctx.recv, tag, opts);
      await s.close();
      continue;
    }
    const ingest = path === 'ingest' ? ['--ingest', ctx.channel.id] : [];
    const args = ['--forward-to', ctx.recv.url, '--concurrency', String(listenConcurrency), ...ingest];
    const listen = await startListen({ apiUrl: ctx.emu.url, apiKey: KEY, env: ctx.env, args, readyWhen: ingest.length ? ['Ready!', 'Ingest URL:'] : ['Ready!'] });
    const l0 = procStats(listen.pid);
    const e0 = procStats(ctx.emu.pid);
    out[path] = await drive(s, ctx.recv, tag, opts);
    const l1 = procStats(listen.pid);
    const e1 = procStats(ctx.emu.pid);
    await s.close();
    await listen.stop();
    const n = out[path].lat.length;
    Object.assign(out[path], { listenCpu: ((l1.cpu - l0.cpu) * 10_000) / n, emuCpu: ((e1.cpu - e0.cpu) * 10_000) / n, listenRss: l1.hwmMb });
  }
  return out;
}

const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
const spread = (xs, f = f2) => `${f(median(xs))} [${f(Math.min(...xs))}-${f(Math.max(...xs))}]`;
const verdict = (ok) => (ok ? 'met' : 'NOT met');

function printThroughput(label, rounds, path, target) {
  const ratios = rounds.map((r) => r[path].rate / r.direct.rate);
  const lat = rounds.map((r) => pct(r[path].lat, 99));
  console.log(
    `  ${label.padEnd(14)} ${f1(median(rounds.map((r) => r[path].rate)))} ev/s vs direct ${f1(median(rounds.map((r) => r.direct.rate)))} req/s: ${spread(ratios)}x (target >= ${target}: ${verdict(median(ratios) >= target)})` +
      ` | p99 ${spread(lat, f1)} ms | CPU per 10k: listen ${spread(rounds.map((r) => r[path].listenCpu))} s, emulator ${spread(rounds.map((r) => r[path].emuCpu))} s | listen peak RSS ${f1(Math.max(...rounds.map((r) => r[path].listenRss)))} MB`,
  );
}

function printPaced(rounds, path) {
  const added = (p) => rounds.map((r) => pct(r[path].lat, p) - pct(r.direct.lat, p));
  const a50 = added(50);
  const a99 = added(99);
  console.log(
    `  paced ${RATE}/s x ${PACED_SECONDS}s p50 ${spread(rounds.map((r) => pct(r[path].lat, 50)))} ms, p99 ${spread(rounds.map((r) => pct(r[path].lat, 99)), f1)} ms, max ${spread(rounds.map((r) => Math.max(...r[path].lat)), f1)} ms` +
      ` (direct p50 ${spread(rounds.map((r) => pct(r.direct.lat, 50)))}, p99 ${spread(rounds.map((r) => pct(r.direct.lat, 99)))})` +
      ` | added p50 ${spread(a50)} ms (target <= 1: ${verdict(median(a50) <= 1)}), added p99 ${spread(a99, f1)} ms (target <= 5: ${verdict(median(a99) <= 5)})` +
      ` | CPU per 10k: listen ${spread(rounds.map((r) => r[path].listenCpu))} s, emulator ${spread(rounds.map((r) => r[path].emuCpu))} s`,
  );
}

export async function run() {
  const home = mkdtempSync(join(tmpdir(), 'propitbox-bench-e2e-'));
  const env = { PATH: process.env.PATH, HOME: home, PROPITBOX_CONFIG_DIR: join(home, 'config'), PROPITBOX_STATE_DIR: join(home, 'state'), NO_COLOR: '1' };
  const loadBefore = loadText();
  const recv = await startReceiver();
  const emu = await startDevEmulator({ dataDir: join(home, 'data'), apiKey: KEY, env });
  const rounds = { paced: [], serial: [], parallel: [] };
  try {
    const ctx = { recv, emu, env, channel: await createChannel(emu.url) };
    for (let r = 1; r <= ROUNDS; r++) {
      rounds.paced.push(await shape(ctx, r, 'p', { n: RATE * PACED_SECONDS, rate: RATE }, 1));
      rounds.serial.push(await shape(ctx, r, 's', { n: N_SERIAL, inFlight: 1 }, 1));
      rounds.parallel.push(await shape(ctx, r, 'c', { n: N_PARALLEL, inFlight: IN_FLIGHT }, IN_FLIGHT));
    }
  } finally {
    await emu.stop();
    await recv.close();
    rmSync(home, { recursive: true, force: true });
  }
  console.log(`  sender -> receiver answered, one clock; ${ROUNDS} rounds, median [min-max]; serial n=${N_SERIAL}, ${IN_FLIGHT} in flight n=${N_PARALLEL}; load average ${loadBefore} -> ${loadText()}`);
  for (const [path, title] of [['events', 'POST /v1/events -> propitbox dev -> webhooks listen -> receiver'], ['ingest', 'POST /in/<token> -> propitbox dev -> webhooks listen --ingest -> receiver']]) {
    console.log(`  ${title}`);
    printThroughput('serial', rounds.serial, path, 0.5);
    printThroughput(`${IN_FLIGHT} in flight`, rounds.parallel, path, 0.5);
    printPaced(rounds.paced, path);
  }
}
