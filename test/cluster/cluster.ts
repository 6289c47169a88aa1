// A team relay on loopback for tests and the bench: N `propitbox serve` nodes (child processes) on one
// PostgreSQL schema, behind HAProxy (test/cluster/haproxy.sh with the repo's deploy/haproxy.cfg).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../helpers/ports.js';
import { isolatedEnv, spawnCli, type LiveCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);
const HAPROXY_SH = fileURLToPath(new URL('./haproxy.sh', import.meta.url));

export interface Node {
  port: number;
  /** The store's node name (leases and session ownership in the database). */
  name: string;
  live: LiveCli;
}

export interface Cluster {
  /** The balancer's URL: what clients use. */
  url: string;
  nodes: Node[];
  adminKey: string;
  /** HAProxy's view: node index -> UP or not. */
  upNodes(): Promise<boolean[]>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  databaseUrl: string;
  schema: string;
  nodes: number;
  adminKey: string;
  /** More serve flags for every node (e.g. --retry-schedule, --timeout). */
  args?: string[];
  env?: Record<string, string>;
}

export async function haproxyAvailable(): Promise<boolean> {
  try {
    await run('haproxy', ['-v']);
    return true;
  } catch {
    return false;
  }
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const lbPort = await freePort();
  const url = `http://127.0.0.1:${lbPort}`;
  const nodes: Node[] = [];
  const lbDir = mkdtempSync(join(tmpdir(), 'propitbox-lb-'));
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.live.stop('SIGKILL')));
    await run(HAPROXY_SH, ['stop', lbDir]).catch(() => undefined);
    rmSync(lbDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < o.nodes; i++) nodes.push(await startNode(o, url));
    await run(HAPROXY_SH, ['start', lbDir, String(lbPort), ...nodes.map((n) => `127.0.0.1:${n.port}`)]);
    const upNodes = async () => {
      const state = await adminCommand(join(lbDir, 'haproxy.sock'), 'show servers state');
      // Rows: be_id be_name srv_id srv_name srv_addr srv_op_state …; op_state 2 = running.
      const rows = state.split('\n').filter((l) => /^\d+ nodes /.test(l)).map((l) => l.split(' '));
      return nodes.map((_, i) => rows.find((r) => r[3] === `node${i + 1}`)?.[5] === '2');
    };
    await waitFor(async () => (await upNodes()).every(Boolean), { timeout: 30_000, what: 'HAProxy to see every node up' });
    return { url, nodes, adminKey: o.adminKey, upNodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One `serve` node on the shared database; resolves once its ready line is printed. */
export async function startNode(o: ClusterOptions, publicUrl: string, port?: number): Promise<Node> {
  const p = port ?? (await freePort());
  const env = isolatedEnv({ PROPITBOX_ADMIN_KEY: o.adminKey, PROPITBOX_DATABASE_URL: o.databaseUrl, PROPITBOX_DATABASE_SCHEMA: o.schema, ...(o.env ?? {}) });
  const live = spawnCli(['serve', '--port', String(p), '--public-url', publicUrl, ...(o.args ?? [])], { env });
  const out = await Promise.race([
    live.waitForStdout(/"kind":"ready".*\n/, 30_000),
    live.exited.then((code) => {
      throw new Error(`serve exited (${code}) before it was ready: ${live.stderr()}${live.stdout()}`);
    }),
  ]);
  const ready = JSON.parse(out.split('\n').find((l) => l.includes('"kind":"ready"'))!) as { node: string };
  return { port: p, name: ready.node, live };
}

function adminCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(socketPath);
    let out = '';
    c.on('data', (d) => (out += d));
    c.on('end', () => resolve(out));
    c.on('error', reject);
    c.end(`${command}\n`);
  });
}
