// The one place that reads the environment, so tests can inject a whole environment (setEnv, or an
// in-process run's own Io).
import { currentIo } from './io.js';

let current: NodeJS.ProcessEnv = process.env;

export function env(name: string): string | undefined {
  const v = (currentIo()?.env ?? current)[name];
  return v === undefined || v === '' ? undefined : v;
}

export function setEnv(next: NodeJS.ProcessEnv): void {
  current = next;
}

/** Sets a variable for the rest of this run (e.g. --no-color -> NO_COLOR), seen by env() and libraries. */
export function setEnvVar(name: string, value: string): void {
  (currentIo()?.env ?? process.env)[name] = value;
}

export function isDebug(): boolean {
  return env('PROPITBOX_DEBUG') === '1';
}

export function isCI(): boolean {
  return env('CI') === 'true' || env('CI') === '1';
}
