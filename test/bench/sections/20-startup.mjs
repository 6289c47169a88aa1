// Start-up cost of the CLI: median wall time of short commands, as a ratio to `node -e 0` measured in
// the same run (machines are noisy; the ratio is what we compare). Target: --version <= 1.5x.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/propitbox.js', import.meta.url));
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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run() {
  const home = mkdtempSync(join(tmpdir(), 'propitbox-bench-'));
  const env = { PATH: process.env.PATH, HOME: home, PROPITBOX_CONFIG_DIR: join(home, 'c'), PROPITBOX_STATE_DIR: join(home, 's'), PROPITBOX_DATA_DIR: join(home, 'd'), NO_COLOR: '1' };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('OK'));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/webhooks/pro-pitbox`;
  const cases = [
    ['node -e 0', ['-e', '0']],
    ['propitbox --version', [BIN, '--version']],
    ['propitbox --help', [BIN, '--help']],
    ['propitbox fixtures list', [BIN, 'fixtures', 'list']],
    ['propitbox trigger --forward-to', [BIN, 'trigger', 'maintenance.task.created', '--forward-to', url, '--secret', 'whsec_bench']],
  ];
  const times = new Map(cases.map(([name]) => [name, []]));
  try {
    // Interleave the cases so a noisy neighbour slows all of them alike; one warm-up round first.
    for (let i = 0; i <= RUNS; i++) {
      for (const [name, args] of cases) {
        const ms = await once(args, env);
        if (i > 0) times.get(name).push(ms);
      }
    }
  } finally {
    server.close();
  }
  const base = median(times.get('node -e 0'));
  console.log(`  ${RUNS} runs each, median wall time (ratio to node -e 0)`);
  for (const [name] of cases) {
    const m = median(times.get(name));
    console.log(`  ${name.padEnd(34)} ${m.toFixed(1).padStart(7)} ms  ${(m / base).toFixed(2)}x`);
  }
  const version = median(times.get('propitbox --version')) / base;
  console.log(`  target --version <= 1.5x: ${version <= 1.5 ? 'met' : 'NOT met'} (${version.toFixed(2)}x)`);
}
