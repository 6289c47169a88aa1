import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createTerminalGuard, ENTER_ALT, LEAVE_ALT } from '../../src/tui/terminal.js';
import { copyToClipboard, osc52 } from '../../src/tui/clipboard.js';

function fakeTerminal() {
  const written: string[] = [];
  const raw: boolean[] = [];
  const out = { write: (s: string) => (written.push(s), true) } as unknown as NodeJS.WriteStream;
  const input = { isTTY: true, setRawMode: (b: boolean) => (raw.push(b), input) } as unknown as NodeJS.ReadStream;
  return { written, raw, out, input };
}

describe('terminal guard', () => {
  it('enters the alternate screen and restores it once', () => {
    const t = fakeTerminal();
    const proc = new EventEmitter();
    const g = createTerminalGuard(t.out, t.input, proc);
    g.enter();
    expect(t.written).toEqual([ENTER_ALT]);
    g.restore();
    g.restore();
    expect(t.written).toEqual([ENTER_ALT, LEAVE_ALT]);
    expect(t.raw).toEqual([false]);
    expect(proc.listenerCount('exit')).toBe(0);
  });

  it('restores the terminal when the process exits or crashes without a clean quit', () => {
    for (const event of ['exit', 'uncaughtExceptionMonitor']) {
      const t = fakeTerminal();
      const proc = new EventEmitter();
      createTerminalGuard(t.out, t.input, proc).enter();
      proc.emit(event, new Error('boom'));
      expect(t.written.at(-1)).toBe(LEAVE_ALT);
      expect(LEAVE_ALT).toContain('\x1b[?1049l');
      expect(LEAVE_ALT).toContain('\x1b[?25h');
    }
  });

  it('hands the terminal over for the editor and takes it back', () => {
    const t = fakeTerminal();
    const g = createTerminalGuard(t.out, t.input, new EventEmitter());
    g.enter();
    g.suspend();
    g.resume();
    expect(t.written).toEqual([ENTER_ALT, LEAVE_ALT, ENTER_ALT]);
    expect(t.raw).toEqual([false, true]);
  });
});

describe('OSC 52 clipboard', () => {
  it('encodes the text as base64 in an OSC 52 sequence', () => {
    expect(osc52('evt_1')).toBe(`\x1b]52;c;${Buffer.from('evt_1').toString('base64')}\x07`);
    const t = fakeTerminal();
    copyToClipboard(t.out, '{"a":"é"}');
    expect(Buffer.from(t.written[0].slice(7, -1), 'base64').toString('utf8')).toBe('{"a":"é"}');
  });
});
