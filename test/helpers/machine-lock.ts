// A lock across processes on this machine, for tests that must use fixed ports (the README's own
// commands): two copies of the suite running side by side take turns instead of one finding the ports
// taken. The lock file holds the owner's pid; a lock whose owner is gone is taken over.
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(file: string): boolean {
  try {
    const fd = openSync(file, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number(readFileSync(file, 'utf8') || 0);
    // An empty file is an owner between open and write: wait for it.
    if (owner && !alive(owner)) rmSync(file, { force: true });
    return false;
  }
}

/** Take the machine-wide lock `name` (waiting up to `timeoutMs` for its holder); returns its release. */
export async function machineLock(name: string, timeoutMs: number): Promise<() => void> {
  const file = join(tmpdir(), `propitbox-test-${name}.lock`);
  await waitFor(() => tryTake(file), { timeout: timeoutMs, interval: 200, what: `the ${name} lock (${file})` });
  return () => {
    if (readPid(file) === process.pid) rmSync(file, { force: true });
  };
}

function readPid(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8'));
  } catch {
    return 0;
  }
}
