// Text commands start fast because they never load the heavy modules: checked by recording every
// module the CLI process resolves (a loader hook), not by timing (machines are noisy; timing is in
// test/bench/sections/20-startup.mjs).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv } from '../helpers/run-cli.js';

const HOOK = `data:text/javascript,${encodeURIComponent(
  "import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent('export async function resolve(s, c, next) { const r = await next(s, c); console.error(\"MODULE \" + r.url); return r; }'));",
)}`;

function modulesOf(args: string[]): Promise<{ code: number | null; modules: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', HOOK, BIN, ...args], { env: isolatedEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, modules: err.split('\n').filter((l) => l.startsWith('MODULE ')).map((l) => l.slice(7)) }));
  });
}

const HEAVY = /node_modules\/(ink|react|react-dom|fastify|@fastify|undici|ws|better-sqlite3)\//;

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
  it.each([
    [['--help']],
    [['fixtures', 'list']],
    [['webhooks', '--help']],
    [['trigger', 'maintenance.task.created', '--forward-to', 'URL', '--secret', 'whsec_x', '--no-color']],
  ])('propitbox %j loads no ink/react/fastify/undici/ws/sqlite', async (args) => {
    const r = await modulesOf(args.map((a) => (a === 'URL' ? url : a)));
    expect(r.code).toBe(0);
    expect(r.modules.length).toBeGreaterThan(5); // the hook really saw the CLI's modules
    expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it('an API command loads no undici (node:http is enough for a few calls) and no ink/react/fastify', async () => {
    const r = await modulesOf(['webhooks', 'list', '--api-url', 'http://127.0.0.1:9', '--api-key', 'k']);
    expect(r.code).toBe(1);
    expect(r.modules.some((m) => m.includes('/api/client.js'))).toBe(true);
    expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });
});
