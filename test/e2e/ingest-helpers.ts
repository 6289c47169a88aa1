// Shared by the ingest end-to-end tests: NDJSON lines of a listen process, a free port, a child app.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { LiveCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';

/** The complete lines so far (a 12 MB line may still be arriving). */
export function ndjson(live: LiveCli): Array<Record<string, any>> {
  const out = live.stdout();
  return out
    .slice(0, out.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
}

/** Resolves with the `ready` line (which carries ingest_url). */
export async function listenReady(live: LiveCli): Promise<Record<string, any>> {
  await live.waitForStdout(/"kind":"ready"/, 30_000);
  return ndjson(live).find((l) => l.kind === 'ready')!;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The seed's example handler as its own process; resolves once it answers. */
export async function startSeedApp(port: number, secret: string): Promise<ChildProcess & { output: () => string }> {
  const child = spawn(process.execPath, [new URL('./cli-seed-app.mjs', import.meta.url).pathname], { env: { PATH: process.env.PATH, APP_PORT: String(port), WEBHOOK_SECRET: secret }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status).catch(() => 0)) === 404, { what: 'the seed app to answer' });
  return Object.assign(child, { output: () => out });
}
