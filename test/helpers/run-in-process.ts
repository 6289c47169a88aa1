// Run a command in this process: main(argv, io) with its own environment, captured stdout/stderr and
// stdin, the way bin/propitbox.js runs it but without starting Node (~0.3 s per command saved).
// Runs may overlap (each has its own Io). Use the spawned runCli for what is about processes: signals,
// start-up, exit codes set by Node itself.
import { EventEmitter } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { isolatedEnv, outputWaiters, type CliResult, type LiveRun } from './run-cli.js';

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

/** A long-running command (listen) in this process; stop() delivers the signal to it, not to this process. */
export function startInProcess(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): LiveRun {
  const out = new Capture();
  const err = new Capture();
  const signals = new EventEmitter();
  const exited = main(args, { env: opts.env ?? isolatedEnv(), stdout: out, stderr: err, stdin: Readable.from([]), now: Date.now, signals });
  let done = false;
  void exited.then(() => (done = true));
  return {
    stdout: () => out.text,
    stderr: () => err.text,
    ...outputWaiters(() => out.text, () => err.text),
    exited,
    async stop(signal = 'SIGTERM') {
      // SIGKILL cannot be delivered to a run: two SIGTERMs (the second cuts in-flight forwards short) instead.
      const deliver = signal === 'SIGKILL' ? ['SIGTERM', 'SIGTERM'] : [signal];
      for (const s of deliver) if (!done) signals.emit(s, s);
      return exited;
    },
  };
}
