// The emulator for tests: in-process (startTestEmulator) or as the real CLI child process
// (spawnTestEmulator), always on an ephemeral loopback port with a temp data dir and a fixed key.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/server/emulator.js';
import { isolatedEnv, spawnCli, type LiveCli } from './run-cli.js';

export const TEST_API_KEY = 'ppk_test_0123456789abcdefghijklmnop';
export const FAST_RETRY_SCHEDULE = [100, 100, 100, 100, 100];

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
}

/** Call the emulator's API with the test key (override headers to test auth and content types). */
export async function callApi<T = any>(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
  const h: Record<string, string> = { authorization: `Bearer ${TEST_API_KEY}`, ...headers };
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  const res = await fetch(url + path, { method, headers: h, body: payload });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as T, text };
}

export interface TestEmulator {
  url: string;
  apiKey: string;
  emulator: Emulator;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export async function startTestEmulator(opts: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const emulator = await startEmulator({
    port: 0,
    dataDir: opts.dataDir ?? mkdtempSync(join(tmpdir(), 'propitbox-emu-')),
    apiKey: TEST_API_KEY,
    retrySchedule: FAST_RETRY_SCHEDULE,
    deliveryTimeoutMs: 5_000,
    ...opts,
  });
  return {
    url: emulator.url,
    apiKey: emulator.apiKey,
    emulator,
    api: (method, path, body, headers) => callApi(emulator.url, method, path, body, { authorization: `Bearer ${emulator.apiKey}`, ...headers }),
    close: () => emulator.close(),
  };
}

export interface SpawnedEmulator {
  url: string;
  port: number;
  apiKey: string;
  dataDir: string;
  live: LiveCli;
  env: NodeJS.ProcessEnv;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** kill -9 and wait until it is gone. */
  kill9(): Promise<void>;
}

export interface SpawnOptions {
  dataDir?: string;
  port?: number;
  retrySchedule?: string;
  timeout?: string;
  env?: NodeJS.ProcessEnv;
  extraArgs?: string[];
}

/** `propitbox dev --headless --json` as a child process; resolves once its ready line is printed. */
export async function spawnTestEmulator(opts: SpawnOptions = {}): Promise<SpawnedEmulator> {
  const env = opts.env ?? isolatedEnv();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'propitbox-emu-'));
  const args = ['dev', '--headless', '--json', '--port', String(opts.port ?? 0), '--data-dir', dataDir, '--api-key', TEST_API_KEY];
  args.push('--retry-schedule', opts.retrySchedule ?? FAST_RETRY_SCHEDULE.map((ms) => `${ms}ms`).join(','));
  if (opts.timeout) args.push('--timeout', opts.timeout);
  args.push(...(opts.extraArgs ?? []));
  const live = spawnCli(args, { env });
  let ready: { url: string };
  try {
    const out = await Promise.race([
      live.waitForStdout(/"ready":true.*\n/, 30_000),
      live.exited.then((code) => {
        throw new Error(`propitbox dev exited (${code}) before it was ready: ${live.stderr()}`);
      }),
    ]);
    ready = JSON.parse(out.split('\n').find((l) => l.includes('"ready":true'))!) as { url: string };
  } catch (err) {
    await live.stop('SIGKILL');
    throw err;
  }
  return {
    url: ready.url,
    port: Number(new URL(ready.url).port),
    apiKey: TEST_API_KEY,
    dataDir,
    live,
    env,
    api: (method, path, body, headers) => callApi(ready.url, method, path, body, headers),
    stop: () => live.stop('SIGTERM'),
    kill9: async () => {
      await live.stop('SIGKILL');
    },
  };
}
