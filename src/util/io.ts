// The I/O a command run sees: environment, stdin/stdout/stderr, the clock, signals and its exit code. The real
// process uses its own; `main(argv, io)` runs a command with another set (in-process tests run many
// commands in one process, concurrently: AsyncLocalStorage follows each run through its awaits). Only
// a run given its own Io pays for AsyncLocalStorage; the process's run does not.
import { AsyncLocalStorage } from 'node:async_hooks';

export type OutStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; getColorDepth?: () => number };
export type InStream = NodeJS.ReadableStream & { isTTY?: boolean };

export interface Io {
  env: NodeJS.ProcessEnv;
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  /** Milliseconds since the epoch (signing timestamps, tolerance checks). */
  now: () => number;
  /** Where SIGINT / SIGTERM come from (the process's own run: the process). */
  signals?: NodeJS.EventEmitter;
  /** Set by a command that ends without an error but not with 0 (130 after Ctrl-C). */
  exitCode?: number;
}

const storage = new AsyncLocalStorage<Io>();

export function runWithIo<T>(io: Io, fn: () => T): T {
  return storage.run(io, fn);
}

/** The Io of an in-process run, or undefined in the real process. */
export function currentIo(): Io | undefined {
  return storage.getStore();
}

export const stdout = (): OutStream => storage.getStore()?.stdout ?? process.stdout;
export const stderr = (): OutStream => storage.getStore()?.stderr ?? process.stderr;
export const stdin = (): InStream => storage.getStore()?.stdin ?? process.stdin;
export const now = (): number => storage.getStore()?.now() ?? Date.now();
export const signals = (): NodeJS.EventEmitter => storage.getStore()?.signals ?? process;

export function setExitCode(code: number): void {
  const io = storage.getStore();
  if (io) io.exitCode = code;
  else process.exitCode = code;
}

export function exitCode(): number | undefined {
  const io = storage.getStore();
  const code = io ? io.exitCode : process.exitCode;
  return typeof code === 'number' ? code : undefined;
}
