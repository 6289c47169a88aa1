// Ingest URL figures: a sender POSTs to an ingest URL of the relay (in-process emulator), the relay
// stores the raw request and answers 202, `propitbox webhooks listen --ingest` (child process) forwards
// it byte-exact to a local receiver (its own process). Measured: requests/s until the receiver answered
// all of them at sender concurrency 1 and 16 (closed loop), and end-to-end latency (sender's POST start
// -> receiver answered, one clock), next to the same sender POSTing straight to the receiver in the same
// run (ratios); a paced run at 500/s gives the latency ingest adds (p50/p99). The sender's own 202 time
// is shown too: what a sender waits for.
// Targets (issue 11): >= 0.5x direct at c=1; added p99 <= 5 ms at 500/s.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

const N = Number(process.env.BENCH_INGEST_N ?? 4_000);
const RATE = Number(process.env.BENCH_INGEST_RATE ?? 500);
const SECONDS = 4;
const KEY = 'ppk_test_benchingest00000000000';
const BIN = fileURLToPath(new URL('../../../bin/propitbox.js', import.meta.url));

// The receiver (a user's app) in its own process: reports (body id, answer time) in batches.
const RECEIVER_CODE = `
  const answered = [];
  require('node:http').createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
      answered.push(body.slice(7, body.indexOf('"', 7)), performance.timeOrigin + performance.now());
    });
  }).listen(0, '127.0.0.1', function () { process.send({ port: this.address().port }); }).keepAliveTimeout = 60000;
  setInterval(() => { if (answered.length) process.send({ a: answered.splice(0) }); }, 10);
`;

function startReceiver() {
  const answered = new Map();
  const waiters = [];
  const child = spawn(process.execPath, ['-e', RECEIVER_CODE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve) => {
    child.on('message', (m) => {
      if (m.port) {
        return resolve({
          url: `http://127.0.0.1:${m.port}/hook`,
          answered,
          until: (n) => (answered.size >= n ? Promise.resolve() : new Promise((r) => waiters.push({ n, resolve: r }))),
          close: async () => {
            child.kill();
            await new Promise((r) => child.once('exit', r));
          },
        });
      }
      for (let i = 0; i < m.a.length; i += 2) if (!answered.has(m.a[i])) answered.set(m.a[i], m.a[i + 1]);
      for (let i = waiters.length - 1; i >= 0; i--) if (answered.size >= waiters[i].n) waiters.splice(i, 1)[0].resolve();
    });
  });
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
let seq = 0;
const payload = (tag) => `{"id":"${tag}${++seq}","type":"vehicle.created","created":"2024-12-25T10:30:00Z","data":{"vehicle":{"id":"veh_1","name":"Traxxas Slash"}}}`;

/** Closed loop: `concurrency` senders POST `n` bodies to `url`; resolves once the receiver answered all. */
async function closedLoop(url, recv, n, concurrency, tag) {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: concurrency });
  const sent = new Map();
  const acks = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) {
        const body = payload(tag);
        const t = now();
        sent.set(body.slice(7, body.indexOf('"', 7)), t);
        const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
        await res.body.dump();
        if (res.statusCode >= 300) throw new Error(`sender got ${res.statusCode}`);
        acks.push(now() - t);
      }
    }),
  );
  await waitAll(recv, sent);
  const secs = (performance.now() - t0) / 1000;
  await agent.close();
  return { rate: n / secs, lat: [...sent].map(([id, t]) => recv.answered.get(id) - t), acks };
}

async function waitAll(recv, sent) {
  for (;;) {
    let missing = 0;
    for (const id of sent.keys()) if (!recv.answered.has(id)) missing++;
    if (!missing) return;
    await recv.until(recv.answered.size + 1);
  }
}

async function paced(url, recv, rate, seconds, tag) {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const sent = new Map();
  const inflight = [];
  const total = rate * seconds;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    const body = payload(tag);
    sent.set(body.slice(7, body.indexOf('"', 7)), now());
    inflight.push(request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent }).then((r) => r.body.dump()));
  }
  await Promise.all(inflight);
  await waitAll(recv, sent);
  await agent.close();
  return [...sent].map(([id, t]) => recv.answered.get(id) - t);
}

async function startListen(emu, channelId, receiverUrl, concurrency, env) {
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ') ?? []), BIN, 'webhooks', 'listen', '--no-tui', '--ingest', channelId, '--forward-to', receiverUrl, '--concurrency', String(concurrency)], {
    env: { ...env, PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    if (out.length < 4096) out += d;
  });
  child.stderr.on('data', (d) => (err += d));
  const t0 = Date.now();
  while (!out.includes('Ready!')) {
    if (child.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`listen did not get ready: ${err}`);
    await sleep(20);
  }
  const exited = new Promise((r) => child.on('close', r));
  return { stop: async () => (child.kill('SIGTERM'), await exited) };
}

export async function run() {
  const { startEmulator } = await import('../../../dist/server/emulator.js');
  const home = mkdtempSync(join(tmpdir(), 'propitbox-bench-ingest-'));
  const env = { PATH: process.env.PATH, HOME: home, PROPITBOX_CONFIG_DIR: join(home, 'config'), PROPITBOX_STATE_DIR: join(home, 'state'), NO_COLOR: '1' };
  const emu = await startEmulator({ port: 0, dataDir: join(home, 'data'), apiKey: KEY });
  const recv = await startReceiver();
  try {
    const res = await fetch(`${emu.url}/v1/ingest-channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rate_limit_per_second: 100_000, rate_limit_burst: 1_000_000 }),
    });
    const channel = await res.json();
    console.log(`  N=${N} requests per run; latency = sender's POST start -> receiver answered (one clock); load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    for (const c of (process.env.BENCH_INGEST_C ?? '1,16').split(',').map(Number)) {
      const direct = await closedLoop(recv.url, recv, N, c, `d${c}_`);
      const l = await startListen(emu, channel.id, recv.url, c, env);
      await closedLoop(channel.url, recv, 300, c, `w${c}_`); // warm-up
      const r = await closedLoop(channel.url, recv, N, c, `i${c}_`);
      await l.stop();
      console.log(
        `  c=${String(c).padEnd(2)} ingest ${f1(r.rate)} req/s vs direct ${f1(direct.rate)} req/s: ratio ${f2(r.rate / direct.rate)}${c === 1 ? ' (target >= 0.5)' : ''}` +
          ` | end-to-end p50 ${f1(pct(r.lat, 50))} ms p99 ${f1(pct(r.lat, 99))} ms (direct p50 ${f1(pct(direct.lat, 50))} ms p99 ${f1(pct(direct.lat, 99))} ms)` +
          ` | the sender's 202 p50 ${f2(pct(r.acks, 50))} ms p99 ${f2(pct(r.acks, 99))} ms`,
      );
    }
    const d = await paced(recv.url, recv, RATE, SECONDS, 'pd_');
    const l = await startListen(emu, channel.id, recv.url, 1, env);
    await closedLoop(channel.url, recv, 300, 4, 'pw_');
    const lat = await paced(channel.url, recv, RATE, SECONDS, 'pi_');
    await l.stop();
    console.log(
      `  paced ${RATE}/s x ${SECONDS}s: ingest p50 ${f2(pct(lat, 50))} ms p99 ${f2(pct(lat, 99))} ms; direct p50 ${f2(pct(d, 50))} ms p99 ${f2(pct(d, 99))} ms;` +
        ` added p50 ${f2(pct(lat, 50) - pct(d, 50))} ms, added p99 ${f2(pct(lat, 99) - pct(d, 99))} ms (target <= 5)`,
    );
  } finally {
    await recv.close();
    await emu.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
