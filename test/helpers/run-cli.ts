// Run the built CLI (bin/propitbox.js) as a child process with an isolated config/state dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

export const BIN = fileURLToPath(new URL('../../bin/propitbox.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A throwaway HOME-like environment: config, state and data dirs under one temp dir. */
export function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'propitbox-test-'));
  return {
    PATH: process.env.PATH,
    HOME: home,
    PROPITBOX_CONFIG_DIR: join(home, 'config'),
    PROPITBOX_STATE_DIR: join(home, 'state'),
    PROPITBOX_DATA_DIR: join(home, 'data'),
    NO_COLOR: '1',
    CI: 'true',
    ...extra,
  };
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: opts.env ?? isolatedEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`propitbox ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeout ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** A long-running command (dev, listen) and its output: as a process here, or in-process (run-in-process.ts). */
export interface LiveRun {
  stdout: () => string;
  stderr: () => string;
  waitForStdout(pattern: RegExp | string, timeout?: number): Promise<string>;
  waitForStderr(pattern: RegExp | string, timeout?: number): Promise<string>;
  /** The exit status as a shell reports it: the code, or 128 + the signal's number (SIGTERM: 143). */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface LiveCli extends LiveRun {
  child: ChildProcess;
}

/** waitForStdout / waitForStderr over output that keeps growing. */
export function outputWaiters(out: () => string, err: () => string): Pick<LiveRun, 'waitForStdout' | 'waitForStderr'> {
  const matcher = (p: RegExp | string) => (s: string) => (typeof p === 'string' ? s.includes(p) : p.test(s));
  return {
    waitForStdout: (p, timeout) => waitFor(() => matcher(p)(out()) && out(), { timeout, what: `stdout to match ${p}; stdout so far: ${out().slice(-500)} stderr: ${err().slice(-500)}` }),
    waitForStderr: (p, timeout) => waitFor(() => matcher(p)(err()) && err(), { timeout, what: `stderr to match ${p}; stderr so far: ${err().slice(-500)}` }),
  };
}

/** Start a long-running CLI process (dev, listen) and watch its output. Call stop() in afterEach. */
export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): LiveCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: opts.env ?? isolatedEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : null))));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    ...outputWaiters(() => out, () => err),
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}
