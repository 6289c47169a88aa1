// `propitbox serve` as a child process for tests: a fixed key, a free port, fast retries.
import { callApi } from './emulator.js';
import { isolatedEnv, spawnCli, type LiveCli } from './run-cli.js';

export const SERVE_KEY = 'relay_key_0123456789abcdef';

export interface Served {
  live: LiveCli;
  url: string;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** `propitbox serve` on a free port; resolves at its ready line. */
export async function startServe(dataDir: string, env = isolatedEnv({ PROPITBOX_API_KEY: SERVE_KEY }), extra: string[] = []): Promise<Served> {
  const live = spawnCli(['serve', '--port', '0', '--data-dir', dataDir, '--retry-schedule', '100ms,100ms,100ms,100ms,100ms', ...extra], { env });
  const out = await live.waitForStdout(/"kind":"ready".*\n/, 30_000);
  const ready = JSON.parse(out.split('\n').find((l) => l.includes('"kind":"ready"'))!) as { url: string };
  return { live, url: ready.url, api: (method, path, body) => callApi(ready.url, method, path, body, { authorization: `Bearer ${SERVE_KEY}` }) };
}

