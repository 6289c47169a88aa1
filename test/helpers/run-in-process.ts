// Run a command in this process: main(argv, io) with its own environment, captured stdout/stderr and
// stdin, the way bin/propitbox.js runs it but without starting Node (~0.3 s per command saved).
// Runs may overlap (each has its own Io). Use the spawned runCli for what is about processes: signals,
// start-up, exit codes set by Node itself.
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { CliResult } from './run-cli.js';
import { isolatedEnv } from './run-cli.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    done();
  }
}

export async function runInProcess(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; now?: () => number } = {}): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = Readable.from(opts.input ? [opts.input] : []);
  const code = await main(args, { env: opts.env ?? isolatedEnv(), stdout, stderr, stdin, now: opts.now ?? Date.now });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
