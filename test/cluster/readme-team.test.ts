// The README's "Several nodes on PostgreSQL behind HAProxy", followed as written: its two shell blocks
// run in bash with `propitbox` on PATH and the two variables the README says every node shares (a fresh
// schema keeps this test's tables apart). The developer block gets the key the first one printed in
// place of `ppk_live_…`. Then an event sent through the balancer reaches alice's local app.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../helpers/emulator.js';
import { freshSchema, pgAvailable, PG_URL, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv } from '../helpers/run-cli.js';
import { machineLock } from '../helpers/machine-lock.js';
import { waitFor } from '../helpers/wait-for.js';
import { haproxyAvailable } from './cluster.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced block after `<!-- team-relay:NAME -->`. */
function block(name: string): string {
  const m = new RegExp(`<!-- team-relay:${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\\n\`\`\``).exec(README);
  if (!m) throw new Error(`README has no team-relay:${name} block`);
  return m[1];
}

async function free(port: number): Promise<boolean> {
  const s = createServer();
  return new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const run = pgAvailable() && (await haproxyAvailable());
if (!run && (process.env.CI || process.env.PROPITBOX_REQUIRE_PG)) throw new Error('the README team-relay test needs PostgreSQL and haproxy: .ci/run installs both');

describe.skipIf(!run)("README: a team relay on PostgreSQL behind HAProxy", () => {
  const shells: ChildProcess[] = [];
  let dir = '';
  let schema: TestSchema | undefined;
  let rx: Receiver | undefined;

  let release = (): void => undefined;

  // The README's ports are fixed: a second copy of the suite on this machine waits its turn here.
  beforeAll(async () => {
    release = await machineLock('readme-ports', 240_000);
  }, 250_000);

  afterAll(async () => {
    // The README backgrounds the nodes (one process group per block) and daemonizes HAProxy (pid file).
    for (const sh of shells) if (sh.pid) process.kill(-sh.pid, 'SIGKILL');
    const pidFile = join(dir, 'haproxy.pid');
    if (dir && existsSync(pidFile)) for (const pid of readFileSync(pidFile, 'utf8').split(/\s+/).filter(Boolean)) process.kill(Number(pid), 'SIGTERM');
    await rx?.close();
    await schema?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    release();
  });

  it('works as written: three nodes, the balancer, a key for alice, her listen forwarding an event', async () => {
    for (const port of [8080, 4481, 4482, 4483, 3000]) expect(await free(port), `port ${port} (used by the README) is taken on this machine`).toBe(true);
    schema = await freshSchema();
    dir = mkdtempSync(join(tmpdir(), 'propitbox-readme-team-'));
    symlinkSync(join(ROOT, 'deploy'), join(dir, 'deploy'));
    writeFileSync(join(dir, 'propitbox'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/propitbox.js')}" "$@"\n`);
    chmodSync(join(dir, 'propitbox'), 0o755);
    const admin = `admin_${Date.now()}_0123456789`;
    const env = isolatedEnv({ PATH: `${dir}:${process.env.PATH}`, PROPITBOX_DATABASE_URL: PG_URL!, PROPITBOX_DATABASE_SCHEMA: schema.schema, PROPITBOX_ADMIN_KEY: admin });
    const sh = (script: string) => {
      const child = spawn('bash', ['-e', '-c', script], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      shells.push(child);
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      return { out: () => out, done: new Promise<number | null>((r) => child.on('exit', (code) => r(code))) };
    };

    const nodes = sh(block('nodes'));
    const key = await waitFor(() => /key:?\s+(ppk_live_\S+)/.exec(nodes.out())?.[1], { timeout: 90_000, what: `the key printed by the README's block; output: ${nodes.out().slice(-800)}` });
    expect(await nodes.done).toBe(0);

    rx = await startReceiver(undefined, 3000);
    const dev = sh(block('developer').replace('ppk_live_…', key));
    await waitFor(() => dev.out().includes('Ready! Forwarding to http://localhost:3000/webhooks/pro-pitbox'), { timeout: 60_000, what: `alice's listen to be ready; output: ${dev.out().slice(-800)}` });

    const sent = await callApi('http://127.0.0.1:8080', 'POST', '/v1/events', { type: 'vehicle.created' }, { authorization: `Bearer ${key}` });
    expect(sent.status).toBe(201);
    const [got] = await rx.waitForCount(1, 30_000);
    expect(JSON.parse(got.body).id).toBe(sent.body.event.id);
    expect(got.path).toBe('/webhooks/pro-pitbox');
    // Every node answers the balancer's health check.
    expect((await callApi('http://127.0.0.1:8080', 'GET', '/v1/health')).body).toMatchObject({ ok: true, store: { ok: true, kind: 'postgres' } });
  }, 180_000);
});
