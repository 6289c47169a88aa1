// Alternate screen in, terminal restored out: on quit, on process exit, and on an uncaught error (the
// monitor event runs before Node prints the error and exits, without swallowing it).
import { writeSync } from 'node:fs';

export const ENTER_ALT = '\x1b[?1049h\x1b[2J\x1b[H';
export const LEAVE_ALT = '\x1b[?25h\x1b[?1049l';

export interface TerminalGuard {
  enter(): void;
  /** Hand the terminal to another program (the editor) and take it back. */
  suspend(): void;
  resume(): void;
  restore(): void;
}

type Out = NodeJS.WriteStream & { fd?: number };

function writeNow(out: Out, s: string): void {
  // Synchronous, because 'exit' handlers cannot wait for a stream flush.
  try {
    if (typeof out.fd === 'number') writeSync(out.fd, s);
    else out.write(s);
  } catch {
    // The terminal is gone (hang-up): nothing left to restore.
  }
}

export function createTerminalGuard(out: Out, input: NodeJS.ReadStream, proc: NodeJS.EventEmitter = process): TerminalGuard {
  let active = false;
  const rawOff = () => {
    try {
      if (input.isTTY) input.setRawMode(false);
    } catch {
      // stdin already closed
    }
  };
  const onExit = () => guard.restore();
  const guard: TerminalGuard = {
    enter() {
      if (active) return;
      active = true;
      writeNow(out, ENTER_ALT);
      proc.on('exit', onExit);
      proc.on('uncaughtExceptionMonitor', onExit);
    },
    suspend() {
      rawOff();
      writeNow(out, LEAVE_ALT);
    },
    resume() {
      if (input.isTTY) input.setRawMode(true);
      writeNow(out, ENTER_ALT);
    },
    restore() {
      if (!active) return;
      active = false;
      proc.off('exit', onExit);
      proc.off('uncaughtExceptionMonitor', onExit);
      rawOff();
      writeNow(out, LEAVE_ALT);
    },
  };
  return guard;
}
