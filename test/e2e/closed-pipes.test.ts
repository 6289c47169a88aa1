// `propitbox … | head` closes the CLI's stdout early, `2>&- ` or a reader that goes away its stderr:
// that is the reader's choice, so the CLI exits with its own code and no stack trace, whichever stream
// it was (src/cli/main.ts; stderr's handler is set when the stream is first made).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv } from '../helpers/run-cli.js';

const env = isolatedEnv();
afterAll(() => rmSync(env.HOME!, { recursive: true, force: true }));

/** Runs the CLI with one of its output pipes closed by the reader before anything is written. */
function withClosed(which: 'stdout' | 'stderr', args: string[]): Promise<{ code: number | null; other: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child[which].destroy();
    let other = '';
    child[which === 'stdout' ? 'stderr' : 'stdout'].on('data', (d) => (other += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, other }));
  });
}

describe('closed output pipes', () => {
  it('stdout closed: the listing ends quietly with 0', async () => {
    const r = await withClosed('stdout', ['fixtures', 'list']);
    expect(r).toEqual({ code: 0, other: '' });
  });

  it('stderr closed: a usage error still exits 2, not 1 from an uncaught EPIPE', async () => {
    const r = await withClosed('stderr', ['no-such-command']);
    expect(r).toEqual({ code: 2, other: '' });
  });
});
