// Pieces the bench sections share: a receiver in its own process that reports when it answered each
// event, the emulator as users run it (`propitbox dev` in a child process), /proc figures of a child,
// and the statistics. Times are epoch ms from performance.timeOrigin + performance.now() in every
// process, so latencies measured across processes share one clock.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../bin/propitbox.js', import.meta.url));
const CLK_TCK = 100;

// Like a user's app: its own process, so the sender's or the emulator's work does not delay its
// answers. Every body starts with {"id":"<id>" (an event, or what a sender POSTed to an ingest URL);
// it reports (id, answer time) in batches.
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

/** The receiver; `answered` maps an event id to the epoch ms it was answered; `until(n)` waits for n answers. */
export function startReceiver() {
  const answered = new Map();
  const waiters = [];
  const child = spawn(process.execPath, ['-e', RECEIVER_CODE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve) => {
    child.on('message', (m) => {
      if (m.port) {
        return resolve({
          url: `http://127.0.0.1:${m.port}/hook`,
          answered,
          pid: child.pid,
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

/** `propitbox dev --headless` on port 0 in a child process; resolves once it says ready. */
export function startDevEmulator({ dataDir, apiKey, env = process.env, bin = BIN, nodeArgs = [] }) {
  const child = spawn(process.execPath, [...nodeArgs, bin, 'dev', '--headless', '--json', '--port', '0', '--data-dir', dataDir, '--api-key', apiKey, '--no-profile'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onExit = (code) => reject(new Error(`propitbox dev exited ${code}`));
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"ready":true'));
      if (!line) return;
      child.stdout.removeAllListeners('data').resume();
      child.off('exit', onExit);
      resolve({ url: JSON.parse(line).url, pid: child.pid, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))) });
    });
    child.on('exit', onExit);
  });
}

/** CPU seconds (user, sys) and peak RSS (MB) of a process so far, from /proc (Linux). */
export function procStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]) / CLK_TCK;
  const sys = Number(fields[12]) / CLK_TCK; // mostly the kernel's loopback TCP work (and waking the peer) per write
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  return { cpu: user + sys, user, sys, hwmMb: hwm };
}

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export const loadText = () => loadavg().map((x) => x.toFixed(1)).join(' ');

/**
 * `propitbox webhooks listen --no-tui <args>` against `apiUrl`; resolves once its stdout holds every
 * string of `readyWhen`. Its output is read and dropped (a full pipe would stall it).
 */
export async function startListen({ apiUrl, apiKey, env, args, bin = BIN, nodeArgs = [], readyWhen = ['Ready!'] }) {
  const child = spawn(process.execPath, [...nodeArgs, bin, 'webhooks', 'listen', '--no-tui', ...args], { env: { ...env, PROPITBOX_API_URL: apiUrl, PROPITBOX_API_KEY: apiKey }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    if (out.length < 4096) out += d;
  });
  child.stderr.on('data', (d) => (err += d));
  const t0 = Date.now();
  while (!readyWhen.every((s) => out.includes(s))) {
    if (child.exitCode !== null || Date.now() - t0 > 30_000) throw new Error(`listen did not get ready: ${err}`);
    await sleep(10);
  }
  const exited = new Promise((r) => child.on('close', r));
  return { child, pid: child.pid, stop: async () => (child.kill('SIGTERM'), await exited) };
}
