// The facade end to end in memory: fake terminal streams, a burst of events, keys, quit.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runListenTui } from '../../src/tui/index.js';
import { ENTER_ALT, LEAVE_ALT } from '../../src/tui/terminal.js';
import type { ListenEvent, ListenListener } from '../../src/relay/listen-events.js';
import { delivered, evtId, ready } from './helpers/events.js';
import { fakeController } from './helpers/fake-controller.js';
import { waitFor } from '../helpers/wait-for.js';

function fakeTerminal() {
  const writes: Array<{ at: number; text: string }> = [];
  const stdout = new Writable({
    write(chunk, _enc, cb) {
      writes.push({ at: performance.now(), text: String(chunk) });
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stdout, { isTTY: true, columns: 100, rows: 30 });
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
  Object.assign(stdin, { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  const screen = () => writes.map((w) => w.text).join('');
  return { stdout, stdin, writes, screen };
}

describe('runListenTui', () => {
  it('draws a burst of events in a bounded number of frames, handles keys, quits and restores the terminal', async () => {
    const t = fakeTerminal();
    const listeners = new Set<ListenListener>();
    const emit = (e: ListenEvent) => listeners.forEach((l) => l(e));
    const controller = fakeController();
    const done = runListenTui({
      subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
      controller,
      header: { apiUrl: 'http://127.0.0.1:8787', profile: 'local', mode: 'emulator' },
      stdout: t.stdout,
      stdin: t.stdin,
    });
    await waitFor(() => listeners.size === 1, { what: 'the TUI to subscribe' });
    expect(t.writes[0].text).toBe(ENTER_ALT);
    emit(ready());
    const start = performance.now();
    const firstWrite = t.writes.length;
    // 3,000 events paced over 30 ticks of 20 ms (a source, not a wait): unthrottled that is 30+ frames.
    for (let tick = 0; tick < 30; tick++) {
      for (let i = 1; i <= 100; i++) delivered(tick * 100 + i, 200).forEach(emit);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(() => t.screen().includes(evtId(3000)) && /received 3000/.test(t.screen()), { what: 'the last event on screen' });
    const elapsed = performance.now() - start;
    const frames = t.writes.slice(firstWrite).filter((w) => w.text.includes('EVENT ID')).length;
    // Event-driven frames: at most 10 per second (fewer during a flood), plus the first and the last.
    expect(frames).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    expect(frames).toBeLessThan(30);
    (t.stdin as unknown as PassThrough).write('r');
    await waitFor(() => controller.calls.some((c) => c.fn === 'replay' && c.args[0] === evtId(3000)), { what: 'the replay intent' });
    (t.stdin as unknown as PassThrough).write('q');
    await done;
    expect(t.writes.at(-1)!.text).toBe(LEAVE_ALT);
    expect(listeners.size).toBe(0);
  });

  it('leaves by itself when the session closes (SIGTERM, fatal error) and restores the terminal', async () => {
    const t = fakeTerminal();
    const listeners = new Set<ListenListener>();
    const done = runListenTui({
      subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
      controller: fakeController(),
      header: { apiUrl: 'http://127.0.0.1:8787', profile: 'local', mode: 'emulator' },
      stdout: t.stdout,
      stdin: t.stdin,
    });
    await waitFor(() => listeners.size === 1, { what: 'the TUI to subscribe' });
    for (const l of listeners) l({ kind: 'connection', connection: { state: 'closed', reason: 'stopped' }, at: Date.now() });
    await done;
    expect(t.writes.at(-1)!.text).toBe(LEAVE_ALT);
  });
});
