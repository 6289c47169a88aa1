// Start-up cost of the CLI: median wall time of short commands, as a ratio to `node -e 0` measured in
// the same run (machines are noisy; the ratio is what we compare), its spread (min-max ratio over the
// rounds, each round's command against that round's node -e 0) and the target (issue 13).
// The warm-up round writes the main chunk's code cache (bin/load-main.js) as a user's first run of each
// command does; the line "first run" measures a command with no cache (a fresh state dir each round).
// Then the exit tail of an API command: from the moment the API's answer is sent to the moment the
// process is gone, against the same figure for a bare node:http GET (what "exits when done" means).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, loadText, median, startDevEmulator } from '../lib/harness.mjs';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 15);

function once(args, env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${err}`));
      else resolve(ms);
    });
  });
}

/** A stub of GET /v1/webhooks that notes when each answer has been handed to the socket. */
async function stubApi() {
  let finishedAt = 0n;
  const server = createServer((req, res) => {
    req.resume();
    res.on('finish', () => (finishedAt = process.hrtime.bigint()));
    res.setHeader('content-type', 'application/json');
    res.end('{"object":"list","data":[],"has_more":false}');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, lastFinish: () => finishedAt, close: () => new Promise((r) => server.close(r)) };
}

/** Milliseconds from the stub's last answer to the child's exit. */
function tailOf(args, env, stub) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - stub.lastFinish()) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${err}`));
      else resolve(ms);
    });
  });
}

export async function run() {
  const home = mkdtempSync(join(tmpdir(), 'propitbox-bench-'));
  const env = { PATH: process.env.PATH, HOME: home, PROPITBOX_CONFIG_DIR: join(home, 'c'), PROPITBOX_STATE_DIR: join(home, 's'), PROPITBOX_DATA_DIR: join(home, 'd'), NO_COLOR: '1' };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('OK'));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/webhooks/pro-pitbox`;
  const KEY = 'ppk_test_bench_startup_0123456789';
  const emulator = await startDevEmulator({ dataDir: join(home, 'emu'), apiKey: KEY, env });
  const apiEnv = { ...env, PROPITBOX_API_URL: emulator.url, PROPITBOX_API_KEY: KEY };
  const cases = [
    ['node -e 0', ['-e', '0'], undefined, null],
    ['propitbox --version', [BIN, '--version'], undefined, 1.2],
    ['propitbox --help', [BIN, '--help'], undefined, 1.5],
    ['propitbox fixtures list', [BIN, 'fixtures', 'list'], undefined, 1.5],
    ['propitbox trigger --forward-to', [BIN, 'trigger', 'maintenance.task.created', '--forward-to', url, '--secret', 'whsec_bench'], undefined, 1.6],
    ['propitbox webhooks list (emulator)', [BIN, 'webhooks', 'list'], apiEnv, 2.0],
    ['propitbox fixtures list (first run)', [BIN, 'fixtures', 'list'], (i) => ({ ...env, PROPITBOX_STATE_DIR: join(home, 'first-run', String(i)) }), null],
  ];
  const times = new Map(cases.map(([name]) => [name, []]));
  try {
    // Interleave the cases so a noisy neighbour slows all of them alike; one warm-up round first.
    for (let i = 0; i <= RUNS; i++) {
      for (const [name, args, caseEnv] of cases) {
        const ms = await once(args, typeof caseEnv === 'function' ? caseEnv(i) : (caseEnv ?? env));
        if (i > 0) times.get(name).push(ms);
      }
    }
  } finally {
    server.close();
    await emulator.stop();
  }
  const base = median(times.get('node -e 0'));
  console.log(`  ${RUNS} runs each, median wall time, ratio to node -e 0 [spread over rounds]; load average ${loadText()}`);
  const baseRuns = times.get('node -e 0');
  for (const [name, , , target] of cases) {
    const m = median(times.get(name));
    const ratios = times.get(name).map((t, i) => t / baseRuns[i]);
    const goal = target ? `  target <= ${target}x: ${m / base <= target ? 'met' : 'NOT met'}` : '';
    console.log(`  ${name.padEnd(34)} ${m.toFixed(1).padStart(7)} ms  ${(m / base).toFixed(2)}x [${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}]${goal}`);
  }
  await exitTail(env);
}

async function exitTail(env) {
  const stub = await stubApi();
  const get = `require('node:http').get(${JSON.stringify(stub.url + '/v1/webhooks')}, (r) => r.resume())`;
  const cases = [
    ['node:http GET (baseline)', ['-e', get], env],
    ['propitbox webhooks list', [BIN, 'webhooks', 'list'], { ...env, PROPITBOX_API_URL: stub.url, PROPITBOX_API_KEY: 'ppk_stub' }],
  ];
  const tails = new Map(cases.map(([name]) => [name, []]));
  try {
    for (let i = 0; i <= RUNS; i++) {
      for (const [name, args, caseEnv] of cases) {
        const ms = await tailOf(args, caseEnv, stub);
        if (i > 0) tails.get(name).push(ms);
      }
    }
  } finally {
    await stub.close();
  }
  console.log(`  exit tail: last API answer sent -> process gone, ${RUNS} runs, median (max)`);
  for (const [name] of cases) {
    const xs = tails.get(name);
    console.log(`  ${name.padEnd(34)} ${median(xs).toFixed(1).padStart(7)} ms  (${Math.max(...xs).toFixed(1)} ms)`);
  }
}
