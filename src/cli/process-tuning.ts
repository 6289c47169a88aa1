// Process-wide settings that depend on how long the command will run.
//
// Why short commands keep Liftoff code: undici parses HTTP with llhttp compiled to WebAssembly. V8
// compiles it at once with its baseline compiler (Liftoff) and then recompiles the hot functions with
// TurboFan on background threads; Node waits for those tasks before the process may exit. That was the
// 90-300 ms an API command (`webhooks list`) spent idle after its last response (more on a busy
// machine). A command that sends a handful of requests never profits from TurboFan code, so it stays
// on Liftoff and exits when its work is done. The servers and `listen` keep tiering up: they parse
// thousands of responses.
import { setFlagsFromString } from 'node:v8';

export const LONG_RUNNING = new Set(['dev', 'serve', 'webhooks listen']);

/** `path`: the invoked command's names below the root, e.g. "webhooks list". */
export function tuneForCommand(path: string): void {
  if (!LONG_RUNNING.has(path)) setFlagsFromString('--liftoff-only');
}

export function commandPath(c: { name(): string; parent: unknown }): string {
  const names: string[] = [];
  for (let x = c as { name(): string; parent: unknown } | null; x?.parent; x = x.parent as typeof x) names.unshift(x.name());
  return names.join(' ');
}
