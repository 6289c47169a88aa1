// How cost grows (issue 13, "scale of the work"); each line should stay flat or grow linearly:
// - listen CPU per 10k events and peak RSS after 1k, 10k and 100k events (one listen, --concurrency 1);
// - the emulator's database size and GET /v1/events latency (first page, a page deep in the list, a
//   type filter) with 10k, 100k and 1M stored events (BENCH_SCALE_1M=0 skips the million: 600 MB of disk);
// - the relay with 1, 10 and 100 listen sessions on one key, each client acking at once: deliveries/s
//   and the emulator's CPU per delivery (it fans every event out to every session).
// The emulator runs in this process for the first two (events are created the way POST /v1/events
// does, without HTTP), as `propitbox dev` in a child for the third (its CPU from /proc).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import { loadText, median, procStats, startDevEmulator, startListen, startReceiver } from '../lib/harness.mjs';
import { relayRun } from './30-relay.mjs';

const KEY = 'ppk_test_bench_scale_0123456789ab';
const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);

async function listenGrowth(emu, env) {
  const recv = await startReceiver();
  try {
    for (const n of [1_000, 10_000, 100_000]) {
      const l = await startListen({ apiUrl: emu.url, apiKey: KEY, env, args: ['--forward-to', recv.url, '--concurrency', '1'] });
      const s0 = procStats(l.pid);
      const r = await relayRun(emu, recv, n, 256);
      const s1 = procStats(l.pid);
      await l.stop();
      console.log(`  listen, ${String(n).padStart(7)} events: ${f1(r.rate)} ev/s, CPU ${f2(((s1.cpu - s0.cpu) * 10_000) / n)} s per 10k events, peak RSS ${f1(s1.hwmMb)} MB (${f1(s0.hwmMb)} MB when ready)`);
    }
  } finally {
    await recv.close();
  }
}

/** Adds events until `total` are stored, `parallel` at a time (the group commit takes each tick's). */
async function fill(emu, from, total, parallel = 512) {
  for (let i = from; i < total; ) {
    const n = Math.min(parallel, total - i);
    await Promise.all(Array.from({ length: n }, (_, k) => emu.dispatcher.createGrouped('default', { type: k % 8 ? 'vehicle.updated' : 'maintenance.task.created', data: { i: i + k } })));
    i += n;
  }
}

async function timeGet(url, runs = 21) {
  const agent = new Agent();
  const ms = [];
  let body;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await request(url, { dispatcher: agent, headers: { authorization: `Bearer ${KEY}` } });
    body = await res.body.json();
    ms.push(performance.now() - t);
  }
  await agent.close();
  return { ms: median(ms.slice(1)), body };
}

function dirMb(dir) {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0) / (1024 * 1024);
}

async function eventsListGrowth(emu, dataDir) {
  const sizes = [10_000, 100_000, ...(process.env.BENCH_SCALE_1M === '0' ? [] : [1_000_000])];
  let stored = 0;
  for (const total of sizes) {
    const t0 = performance.now();
    await fill(emu, stored, total);
    const fillRate = (total - stored) / ((performance.now() - t0) / 1000);
    stored = total;
    const first = await timeGet(`${emu.url}/v1/events?limit=100`);
    // A page halfway down: the cursor is an id from the middle of the list.
    let cursor = first.body.data.at(-1).id;
    for (let hops = 0; hops < 3; hops++) cursor = (await timeGet(`${emu.url}/v1/events?limit=100&starting_after=${cursor}`, 1)).body.data.at(-1).id;
    const deep = await timeGet(`${emu.url}/v1/events?limit=100&starting_after=${cursor}`);
    const typed = await timeGet(`${emu.url}/v1/events?limit=100&type=maintenance.task.created`);
    console.log(
      `  ${String(total).padStart(9)} stored events (filled at ${f1(fillRate)}/s): database ${f1(dirMb(dataDir))} MB; GET /v1/events?limit=100 ${f2(first.ms)} ms, page after 300 ${f2(deep.ms)} ms, ?type= ${f2(typed.ms)} ms (median of 20)`,
    );
  }
}

/** A listen client that acks every event at once (no forwarding): the relay's own cost per session. */
function ackingClient(wsUrl, onAck) {
  const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${KEY}` }, perMessageDeflate: false });
  ws.on('open', () => ws.send(JSON.stringify({ t: 'hello', v: 1, last_seq: null, window: 256 })));
  ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString());
    if (m.t !== 'event') return;
    ws.send(JSON.stringify({ t: 'ack', seq: m.seq, event_id: m.id, url: 'bench:', status_code: 200, duration_ms: 0.1, error: null }));
    onAck();
  });
  return { ready: new Promise((r) => ws.once('message', r)), close: () => ws.terminate() };
}

async function sessionsGrowth(home) {
  const env = { PATH: process.env.PATH, HOME: home, PROPITBOX_CONFIG_DIR: join(home, 'c3'), PROPITBOX_STATE_DIR: join(home, 's3'), NO_COLOR: '1' };
  const events = 2_000;
  for (const count of [1, 10, 100]) {
    const emu = await startDevEmulator({ dataDir: join(home, `sessions-${count}`), apiKey: KEY, env });
    const agent = new Agent({ connections: 16 });
    const api = async (method, path, body) => {
      const res = await request(emu.url + path, { method, dispatcher: agent, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
      return res.body.json();
    };
    let acked = 0;
    let done;
    const all = new Promise((r) => (done = r));
    const clients = [];
    try {
      for (let i = 0; i < count; i++) {
        const s = await api('POST', '/v1/listen-sessions', { label: `bench-${i}` });
        const c = ackingClient(s.ws_url, () => ++acked === count * events && done());
        clients.push(c);
        await c.ready;
      }
      const c0 = procStats(emu.pid);
      const t0 = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next++ < events) await api('POST', '/v1/events', { type: 'vehicle.created', data: { n: next } });
      }));
      await all;
      const secs = (performance.now() - t0) / 1000;
      const c1 = procStats(emu.pid);
      const deliveries = count * events;
      console.log(`  ${String(count).padStart(3)} sessions x ${events} events: ${f1(deliveries / secs)} deliveries/s (${f1(events / secs)} events/s), emulator CPU ${f1(((c1.cpu - c0.cpu) * 1e6) / deliveries)} µs per delivery, ${f1(((c1.cpu - c0.cpu) * 1e6) / events)} µs per event, peak RSS ${f1(c1.hwmMb)} MB`);
    } finally {
      for (const c of clients) c.close();
      await agent.close();
      await emu.stop();
    }
  }
}

export async function run() {
  const home = mkdtempSync(join(tmpdir(), 'propitbox-bench-scale-'));
  const env = { PATH: process.env.PATH, HOME: home, PROPITBOX_CONFIG_DIR: join(home, 'config'), PROPITBOX_STATE_DIR: join(home, 'state'), NO_COLOR: '1' };
  console.log(`  load average ${loadText()}`);
  const { startEmulator } = await import('../../../dist/server/emulator.js');
  try {
    const emu = await startEmulator({ port: 0, dataDir: join(home, 'listen'), apiKey: KEY });
    try {
      await listenGrowth(emu, env);
    } finally {
      await emu.close();
    }
    const dataDir = join(home, 'events');
    const big = await startEmulator({ port: 0, dataDir, apiKey: KEY });
    try {
      await eventsListGrowth(big, dataDir);
    } finally {
      await big.close();
    }
    await sessionsGrowth(home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  console.log(`  load average after ${loadText()}`);
}
