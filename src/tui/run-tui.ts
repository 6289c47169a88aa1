// Runs the listen TUI (loaded by index.ts once React's mode is set). It owns the terminal for the
// session's lifetime: alternate screen, raw keys, OSC 52 copies, and handing the terminal to $EDITOR
// for modify-and-replay. Everything else goes through the ListenController.
import { createElement } from 'react';
import { render, type Instance } from 'ink';
import type { ListenController, ListenListener } from '../relay/listen-events.js';
import { App } from './components/app.js';
import { copyToClipboard } from './clipboard.js';
import { editText } from './editor.js';
import { runEffect } from './effects.js';
import { attachFeed, type Feed } from './feed.js';
import { initialState } from './state/listen-reducer.js';
import { createStore, type Store } from './store.js';
import { createTerminalGuard } from './terminal.js';

export interface ListenTuiOptions {
  subscribe(listener: ListenListener): () => void;
  controller: ListenController;
  header: { apiUrl: string; profile: string; mode: 'emulator' | 'api' };
  /** Streams, for tests; default the process's. */
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/**
 * Ink's own render throttle. Frames are capped at 20 per rolling second before Ink sees them (the
 * App publishes the store through a FrameBudget; event-driven frames are fewer still, see feed.ts),
 * so this only stops pathological bursts; at 20 Ink would hold a key's frame up to 50 ms whenever an
 * event frame had just been drawn.
 */
export const INK_MAX_FPS = 60;

export async function runTui(opts: ListenTuiOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const size = () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const store = createStore(initialState(opts.header, size(), Date.now()));
  const feed = attachFeed(opts.subscribe, store.dispatch);
  // What the App and the effects dispatch (keys, the clock, results) takes the buffered events along.
  const appStore = withFeed(store, feed);
  const guard = createTerminalGuard(stdout, stdin);
  let instance: Instance | null = null;
  let quit!: () => void;
  const quitted = new Promise<void>((resolve) => (quit = resolve));

  const onEffect = (effect: Parameters<typeof runEffect>[0]) => {
    void runEffect(effect, {
      controller: opts.controller,
      getState: store.getState,
      dispatch: appStore.dispatch,
      copy: (text) => copyToClipboard(stdout, text),
      edit: async (text, name) => {
        // Ink lets go of the terminal while the editor has it; a fresh mount repaints everything after.
        unmount();
        guard.suspend();
        try {
          return editText(text, name);
        } finally {
          guard.resume();
          mount();
        }
      },
      quit,
    });
  };
  const mount = () => {
    const mine = render(createElement(App, { store: appStore, onEffect }), {
      stdout,
      stdin,
      exitOnCtrlC: false,
      // Stray console.* output goes above the frame instead of through it (only on the real terminal).
      patchConsole: stdout === process.stdout,
      maxFps: INK_MAX_FPS,
      // Not incrementalRendering: in Ink 6.8 it lands one line low when the frame ends with a newline.
      incrementalRendering: false,
    });
    instance = mine;
    // An Ink-side exit (e.g. a render error) ends the TUI like q does; our own unmount for the editor does not.
    const ended = () => {
      if (instance === mine) quit();
    };
    mine.waitUntilExit().then(ended, ended);
  };
  const unmount = () => {
    const i = instance;
    instance = null;
    i?.unmount();
  };
  const onResize = () => store.dispatch({ type: 'resize', ...size() });

  // The session ended without us (SIGTERM, a fatal error such as a revoked key): leave, so the caller
  // can exit and print why; otherwise the process would wait for a `q` nobody is going to press.
  const unwatch = store.subscribe(() => {
    if (store.getState().connection?.state === 'closed') quit();
  });

  guard.enter();
  try {
    stdout.on('resize', onResize);
    mount();
    await quitted;
  } finally {
    feed.detach();
    unwatch();
    stdout.off('resize', onResize);
    unmount();
    guard.restore();
  }
}

/** A frame drawn for an action carries the events buffered so far (so their own frame is not needed). */
function withFeed(store: Store, feed: Feed): Store {
  return {
    ...store,
    dispatch(action, ...more) {
      const events = feed.drain();
      if (events) store.dispatch(events, action, ...more);
      else store.dispatch(action, ...more);
    },
  };
}
