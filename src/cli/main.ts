// The only place that maps errors to exit codes and prints them. Everything below throws.
import { CommanderError } from '@commander-js/extra-typings';
import { buildProgram } from './program.js';
import { PropitboxError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { isDebug } from '../util/env.js';
import { exitCode, runWithIo, stderr, type Io } from '../util/io.js';

export { v8FlagsChanged } from './heap-tuning.js';

/**
 * Runs one command and returns its exit code. Without `io` it is the process's own run (bin/propitbox.js);
 * with one, the command sees only that environment, those streams and that clock (in-process tests).
 */
export async function main(argv: string[], io?: Io): Promise<number> {
  if (!io) {
    exitQuietlyOnClosedPipe();
    return run(argv);
  }
  // A copy: what the run sets (--no-color, its exit code) stays with the run.
  return runWithIo({ ...io, env: { ...io.env }, exitCode: undefined }, () => run(argv));
}

async function run(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return exitCode() ?? EXIT.OK;
  } catch (err) {
    return report(err);
  }
}

export function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (unknown option, missing argument, --help, --version).
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
    return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  if (err instanceof PropitboxError) {
    stderr().write(`error: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
    if (isDebug() && err.stack) stderr().write(err.stack + '\n');
    return exitCodeFor(err.kind);
  }
  const e = err as Error;
  stderr().write(`error: ${e?.message ?? String(err)} (unexpected; set PROPITBOX_DEBUG=1 for details and report it)\n`);
  if (isDebug() && e?.stack) stderr().write(e.stack + '\n');
  return EXIT.FAILED;
}

/** `propitbox … | head` closes our stdout early: that is the reader's choice, not an error to trace. */
function exitQuietlyOnClosedPipe(): void {
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  };
  process.stdout.on('error', onError);
  whenMade('stderr', (stream) => stream.on('error', onError));
}

/**
 * Runs `use` on process.stderr when something first asks for it. Node makes the stream on first use,
 * and most runs never write to stderr: made for a pipe, it is a socket and loads node:net (~1 ms).
 */
function whenMade(name: 'stderr', use: (stream: NodeJS.WriteStream) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  if (!own?.get || !own.configurable) return use(process[name]);
  Object.defineProperty(process, name, {
    ...own,
    get() {
      Object.defineProperty(process, name, own);
      const stream = own.get!.call(process) as NodeJS.WriteStream;
      use(stream);
      return stream;
    },
  });
}
