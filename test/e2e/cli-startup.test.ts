// Text commands start fast because they load only the bundle's main chunk, never the chunks that carry
// the heavy packages (Ink, React, fastify, undici, ws) or better-sqlite3: checked by recording every
// chunk of dist/bundle/ the CLI process loads against dist/bundle/chunks.json, which the build writes.
// Not by timing (machines are noisy; timing is in test/bench/sections/20-startup.mjs).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';

const CHUNKS = JSON.parse(readFileSync(new URL('../../dist/bundle/chunks.json', import.meta.url), 'utf8')) as Record<string, string[]>;
const HEAVY = ['ink', 'react', 'react-reconciler', 'fastify', '@fastify/static', 'undici', 'ws', 'better-sqlite3', 'pg'];

/** The bundle chunks and the packages a run of the CLI loaded. */
function loadedBy(args: string[]): Promise<{ code: number | null; chunks: string[]; packages: string[] }> {
  return new Promise((resolve, reject) => {
    // Node's own loader traces name each file they load: the chunks (the main one, main.cjs, through
    // bin/load-main.js's line in the same trace) and the packages that stay outside the bundle
    // (better-sqlite3, pg) in node_modules.
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...isolatedEnv(), NODE_DEBUG: 'module,esm' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const chunks = [...new Set([...err.matchAll(/\/dist\/bundle\/([\w.-]+\.c?js)\b/g)].map((m) => m[1]))];
      const external = [...err.matchAll(/\/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\//g)].map((m) => m[1]);
      const packages = [...new Set([...chunks.flatMap((c) => CHUNKS[c] ?? []), ...external])];
      resolve({ code, chunks, packages });
    });
  });
}

let app: Server;
let url: string;
beforeAll(async () => {
  app = createServer((req, res) => req.resume().on('end', () => res.end('OK')));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(app.address() as { port: number }).port}/hook`;
});
afterAll(async () => {
  await new Promise((r) => app.close(r));
});

describe('start-up', () => {
  it('the manifest names the heavy packages where the build put them (this test can see them)', () => {
    const all = new Set(Object.values(CHUNKS).flat());
    for (const p of ['ink', 'react', 'fastify', 'undici', 'ws', 'commander']) expect(all.has(p), p).toBe(true);
  });

  it.each([
    [['--help']],
    [['fixtures', 'list']],
    [['webhooks', '--help']],
    [['trigger', 'maintenance.task.created', '--forward-to', 'URL', '--secret', 'whsec_x', '--no-color']],
    [['webhooks', 'list', '--api-url', 'http://127.0.0.1:9', '--api-key', 'k']],
  ])('propitbox %j loads the main chunk and none of ink/react/fastify/undici/ws/sqlite/pg', async (args) => {
    const r = await loadedBy(args.map((a) => (a === 'URL' ? url : a)));
    expect(r.code).toBe(args[1] === 'list' && args[0] === 'webhooks' ? 1 : 0); // the API is down for webhooks list
    expect(r.chunks).toContain('main.cjs'); // the trace really saw the bundle
    expect(r.packages).toContain('commander');
    expect(r.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('a server command loads the emulator chunk and better-sqlite3 (the trace does see heavy loads)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'propitbox-startup-'));
    try {
      // The port is taken (the receiver above): serve loads everything, opens its database, then exits 1.
      const port = new URL(url).port;
      const r = await loadedBy(['serve', '--api-key', 'ppk_test_startup_0123456789', '--port', port, '--data-dir', dataDir]);
      expect(r.code).toBe(1);
      expect(r.packages).toEqual(expect.arrayContaining(['fastify', 'better-sqlite3']));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the root help', () => {
  // The bundle prints it from the list of top-level commands the build took from the whole tree
  // (src/cli/commands/root-index.ts); the sources build the whole tree. The text must be the same.
  it.each([[['--help']], [['-h']], [['--profile', 'x', '--help']]])('propitbox %j prints what the whole tree prints', async (args) => {
    const bundled = await runCli(args);
    const whole = await runInProcess(args);
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toContain('trigger [options] [type]');
    expect(bundled).toEqual(whole);
  });
});

describe('a checkout that is not built', () => {
  it('says to run npm run build in one line, exit 1, no stack trace', async () => {
    // bin/ and package.json copied beside no dist/: what a pull without a rebuild leaves.
    const root = mkdtempSync(join(tmpdir(), 'propitbox-unbuilt-'));
    try {
      mkdirSync(join(root, 'bin'));
      for (const f of ['propitbox.js', 'load-main.js', 'package.json']) copyFileSync(join(dirname(BIN), f), join(root, 'bin', f));
      copyFileSync(join(dirname(BIN), '..', 'package.json'), join(root, 'package.json'));
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [join(root, 'bin', 'propitbox.js'), 'fixtures', 'list'], { env: isolatedEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stderr }));
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`error: propitbox is not built (dist/bundle/main.cjs is missing): run \`npm run build\` in ${root}\n`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
