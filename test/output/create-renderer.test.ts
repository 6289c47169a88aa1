// The listen renderer factory: the TUI when it loads, a reason when it does not, and plain lines only
// when the user did not ask for the TUI.
import { describe, expect, it } from 'vitest';
import { createListenRenderer } from '../../src/output/listen/create-renderer.js';
import type { SessionView } from '../../src/output/listen/renderer.js';
import type { ListenController, ListenListener } from '../../src/relay/listen-events.js';
import type { ListenTuiOptions } from '../../src/tui/index.js';

function streams() {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (to: string[]) => ({ write: (s: string) => to.push(s) > 0 }) as unknown as NodeJS.WritableStream;
  return { out, err, streams: { out: sink(out), err: sink(err) } };
}

function view(apiUrl = 'http://127.0.0.1:4480'): SessionView & { emit: ListenListener } {
  const listeners = new Set<ListenListener>();
  return {
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    controller: {} as ListenController,
    apiUrl,
    profile: 'local',
    emit: (e) => listeners.forEach((l) => l(e)),
  };
}

const event = { kind: 'event', id: 'evt_1', seq: 1, type: 'vehicle.created', created: '2024-01-01T00:00:00Z', body: '{}', receivedAt: 0 } as const;

describe('createListenRenderer', () => {
  it('says why the TUI did not load and shows plain lines instead when the TUI was only the default', async () => {
    const s = streams();
    const r = await createListenRenderer({ output: 'tui', streams: s.streams, loadTui: () => Promise.reject(new Error("Cannot find package 'ink'")) });
    expect(s.err.join('')).toBe("The TUI could not load (Cannot find package 'ink'): showing plain lines instead\n");
    const v = view();
    r.start(v, () => undefined);
    v.emit(event);
    await r.finish();
    expect(s.out.join('')).toBe('--> vehicle.created [evt_1]\n');
  });

  it('fails with the reason when the user asked for the TUI (--tui)', async () => {
    const s = streams();
    const made = createListenRenderer({ output: 'tui', tuiRequired: true, streams: s.streams, loadTui: () => Promise.reject(new Error("Cannot find package 'ink'")) });
    await expect(made).rejects.toMatchObject({ kind: 'failed', message: "The TUI could not load: Cannot find package 'ink'", hint: 'drop --tui for plain lines' });
    expect(s.err).toEqual([]);
  });

  it('runs the TUI with the session header, and the user quitting it closes the session', async () => {
    const s = streams();
    let got: ListenTuiOptions | undefined;
    let quit!: () => void;
    const r = await createListenRenderer({
      output: 'tui',
      streams: s.streams,
      loadTui: async () => (opts) => {
        got = opts;
        return new Promise<void>((resolve) => (quit = resolve));
      },
    });
    let closed = 0;
    r.start(view('http://localhost:4480'), () => closed++);
    expect(got?.header).toEqual({ apiUrl: 'http://localhost:4480', profile: 'local', mode: 'emulator' });
    quit();
    await r.finish();
    expect(closed).toBe(1);
    expect(s.out.concat(s.err)).toEqual([]);
  });

  it('says why when the TUI stops with an error, after the terminal is back', async () => {
    const s = streams();
    const r = await createListenRenderer({ output: 'tui', streams: s.streams, loadTui: async () => () => Promise.reject(new Error('render failed')) });
    let closed = 0;
    r.start(view('https://api.pro-pitbox.com'), () => closed++);
    await r.finish();
    expect(closed).toBe(1);
    expect(s.err.join('')).toBe('The TUI stopped: render failed\n');
  });

  it('prints NDJSON for --format json', async () => {
    const s = streams();
    const r = await createListenRenderer({ output: 'json', streams: s.streams });
    const v = view();
    r.start(v, () => undefined);
    v.emit(event);
    await r.finish();
    expect(JSON.parse(s.out.join(''))).toMatchObject({ v: 1, kind: 'event', id: 'evt_1' });
  });
});
