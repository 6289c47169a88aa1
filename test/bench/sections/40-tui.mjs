// The listen TUI under a flood: 500 events/s for 20 s into `webhooks listen` running in a real
// terminal (tmux, 100x30), against the same flood with `--format json` (stdout a pipe) in the same run.
// Figures: CPU seconds of the listen process (ratio TUI / JSON, target <= 1.5x, issue 13), its peak RSS (target
// <= 150 MB), and key-to-frame latency while the flood runs: press `?` / Esc and poll capture-pane
// until the frame shows it (target p95 <= 100 ms; includes tmux's own send-keys/capture round trips).
// The emulator is a separate `propitbox dev` process (fresh per run), so its CPU is not counted.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

const RATE = 500;
const SECONDS = 20;
const KEY = 'ppk_test_bench0000000000000000';
const BIN = fileURLToPath(new URL('../../../bin/propitbox.js', import.meta.url));
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function baseEnv(home) {
  const env = { PATH: process.env.PATH, HOME: home, TERM: 'xterm-256color', PROPITBOX_CONFIG_DIR: join(home, 'config'), PROPITBOX_STATE_DIR: join(home, 'state'), NO_COLOR: '1' };
  return env; // no CI: Ink renders nothing until exit when it thinks it runs in CI
}

function startReceiver() {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/hook`, count: () => count, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) })));
}

async function startEmulator(home) {
  const child = spawn(process.execPath, [BIN, 'dev', '--headless', '--json', '--port', '0', '--data-dir', join(home, 'data'), '--api-key', KEY], { env: baseEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const url = await waitFor(() => /"url":"([^"]+)"/.exec(out)?.[1], 30_000, 'the emulator');
  return { url, stop: () => new Promise((r) => (child.once('close', r), child.kill('SIGTERM'))) };
}

async function waitFor(check, timeout, what, interval = 20) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** CPU seconds (user + system) and peak RSS (MB) of a process, from /proc. */
function usage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(f[11]) + Number(f[12])) / TICK;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpu, rssMb: hwm ? Number(hwm[1]) / 1024 : NaN };
}

/** POST RATE events/s for SECONDS through a keep-alive pool; resolves with how many were accepted. */
async function flood(apiUrl) {
  const agent = new Agent({ connections: 16, keepAliveTimeout: 30_000 });
  const total = RATE * SECONDS;
  const start = performance.now();
  let sent = 0;
  let ok = 0;
  const inflight = new Set();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
    while (sent < due) {
      sent++;
      const p = request(apiUrl + '/v1/events', { dispatcher: agent, method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'maintenance.task.created', data: { task: { id: `mnt_${sent}`, type: 'oil_change' } } }) })
        .then(async (r) => (await r.body.text(), r.statusCode === 201 && ok++))
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inflight);
  await agent.close();
  return { ok, seconds: (performance.now() - start) / 1000 };
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function tuiRun() {
  const home = mkdtempSync(join(tmpdir(), 'propitbox-bench-tui-'));
  const receiver = await startReceiver();
  const emu = await startEmulator(home);
  const socket = `propitbox-bench-${process.pid}`;
  const tmux = (...a) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...a], { encoding: 'utf8', env: baseEnv(home) });
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  try {
    tmux('new-session', '-d', '-s', 'b', '-x', '100', '-y', '30', `exec ${[process.execPath, BIN, 'webhooks', 'listen', '--api-url', emu.url, '--api-key', KEY, '--forward-to', receiver.url, '--label', 'bench-tui'].map(q).join(' ')}`);
    const pid = Number(tmux('display', '-p', '-t', 'b', '#{pane_pid}').trim());
    const screen = () => tmux('capture-pane', '-p', '-t', 'b');
    await waitFor(() => screen().includes('● ready'), 30_000, 'the TUI to be ready');
    // `?` opens help, Esc closes it: time from send-keys until capture-pane shows the new frame. Keys
    // are 150 ms apart, like fast typing (Ink holds a frame that comes < 50 ms after the previous one).
    const probe = async (lat) => {
      for (const [key, want] of [['?', 'pause / resume forwarding'], ['Escape', 'EVENT ID']]) {
        const t0 = performance.now();
        tmux('send-keys', '-t', 'b', key);
        // Poll every 5 ms (each capture-pane is a tmux client round trip of a few ms itself).
        await waitFor(() => screen().includes(want), 10_000, `the frame after ${key}`, 5);
        lat.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 150));
      }
    };
    // The same probes with no traffic: what tmux and the polling cost by themselves.
    const idle = [];
    for (let i = 0; i < 15; i++) await probe(idle);
    const before = usage(pid);
    let done = false;
    const floodDone = flood(emu.url).finally(() => (done = true));
    const lat = [];
    await new Promise((r) => setTimeout(r, 1000));
    while (!done) await probe(lat);
    const { ok } = await floodDone;
    await waitFor(() => receiver.count() >= ok, 60_000, () => `every event forwarded (${receiver.count()} of ${ok}); screen:\n${screen()}`);
    await waitFor(() => new RegExp(`received ${ok}\\b`).test(screen()), 10_000, () => `the counters to catch up; screen:\n${screen()}`);
    const after = usage(pid);
    tmux('send-keys', '-t', 'b', 'q');
    await waitFor(() => spawnSync('kill', ['-0', String(pid)]).status !== 0, 15_000, 'the TUI to quit');
    return { cpu: after.cpu - before.cpu, rssMb: after.rssMb, events: ok, lat, idle };
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    await emu.stop();
    await receiver.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function jsonRun() {
  const home = mkdtempSync(join(tmpdir(), 'propitbox-bench-json-'));
  const receiver = await startReceiver();
  const emu = await startEmulator(home);
  const child = spawn(process.execPath, [BIN, 'webhooks', 'listen', '--api-url', emu.url, '--api-key', KEY, '--forward-to', receiver.url, '--format', 'json', '--label', 'bench-json'], { env: baseEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  let out = '';
  child.stdout.on('data', (d) => {
    const s = d.toString();
    if (!out.includes('"ready"')) out += s;
    lines += s.split('\n').length - 1;
  });
  try {
    await waitFor(() => out.includes('"kind":"ready"'), 30_000, 'the JSON listener to be ready');
    const before = usage(child.pid);
    const { ok } = await flood(emu.url);
    await waitFor(() => receiver.count() >= ok, 60_000, () => `every event forwarded (${receiver.count()} of ${ok})`);
    const after = usage(child.pid);
    return { cpu: after.cpu - before.cpu, rssMb: after.rssMb, events: ok, lines };
  } finally {
    await new Promise((r) => (child.once('close', r), child.kill('SIGTERM')));
    await emu.stop();
    await receiver.close();
    rmSync(home, { recursive: true, force: true });
  }
}

export async function run() {
  if (spawnSync('tmux', ['-V']).status !== 0) {
    console.log('  skipped: tmux is not installed');
    return;
  }
  const tui = await tuiRun();
  const json = await jsonRun();
  const ratio = tui.cpu / json.cpu;
  console.log(`  flood: ${RATE} events/s for ${SECONDS} s (${tui.events} events into the TUI, ${json.events} into --format json)`);
  console.log(`  CPU of the listen process: TUI ${tui.cpu.toFixed(2)} s, JSON ${json.cpu.toFixed(2)} s -> ratio ${ratio.toFixed(2)}x (target <= 1.5x) ${ratio <= 1.5 ? 'ok' : 'MISSED'}`);
  console.log(`  peak RSS: TUI ${tui.rssMb.toFixed(0)} MB (target <= 150 MB) ${tui.rssMb <= 150 ? 'ok' : 'MISSED'}, JSON ${json.rssMb.toFixed(0)} MB`);
  const p50 = pct(tui.lat, 50);
  const p95 = pct(tui.lat, 95);
  console.log(`  key -> frame during the flood (${tui.lat.length} presses, tmux round trips included): p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${Math.max(...tui.lat).toFixed(0)} ms (target p95 <= 100 ms) ${p95 <= 100 ? 'ok' : 'MISSED'}`);
  console.log(`  same probe with no traffic (the harness's own send-keys/capture-pane cost): p50 ${pct(tui.idle, 50).toFixed(0)} ms, p95 ${pct(tui.idle, 95).toFixed(0)} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
