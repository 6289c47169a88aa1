// The one place that reads the environment, so tests can inject a whole environment.
let current: NodeJS.ProcessEnv = process.env;

export function env(name: string): string | undefined {
  const v = current[name];
  return v === undefined || v === '' ? undefined : v;
}

export function setEnv(next: NodeJS.ProcessEnv): void {
  current = next;
}

export function isDebug(): boolean {
  return env('PROPITBOX_DEBUG') === '1';
}

export function isCI(): boolean {
  return env('CI') === 'true' || env('CI') === '1';
}
