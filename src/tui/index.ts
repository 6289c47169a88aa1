// The listen TUI facade: `webhooks listen` and `dev --forward-to` load it when stdout is a TTY (lazily,
// so Ink and React load only then). The session resolves when the user quits (q / Ctrl-C) with the
// terminal restored. It does not stop the session: the caller does, after the promise resolves.
// Memory is bounded: the newest MAX_EVENTS (1000) events stay in memory; older ones are reached
// through controller.findEvent / controller.search (the listen history file).
import type { ListenTuiOptions } from './run-tui.js';
import { env } from '../util/env.js';

export { MAX_EVENTS } from './state/types.js';
export type { ListenTuiOptions } from './run-tui.js';

export type RunTui = (opts: ListenTuiOptions) => Promise<void>;

/** Loads Ink, React and the app; rejects (with why) when they cannot load, before the terminal is touched. */
export async function loadListenTui(): Promise<RunTui> {
  // React's development build records a performance mark per render and checks every prop: under a
  // flood of events that costs a core and hundreds of MB. Choose production before React loads.
  if (!env('NODE_ENV')) process.env.NODE_ENV = 'production';
  // Ink decides once, when it loads, that a CI variable means "no terminal": it would then draw nothing
  // until exit. The caller asked for a TUI on a TTY, so hide those variables while Ink loads only.
  const hidden = ['CI', 'CONTINUOUS_INTEGRATION'].filter((k) => env(k) !== undefined).map((k) => [k, process.env[k]] as const);
  for (const [k] of hidden) delete process.env[k];
  try {
    return (await import('./run-tui.js')).runTui;
  } finally {
    for (const [k, v] of hidden) process.env[k] = v;
  }
}

export async function runListenTui(opts: ListenTuiOptions): Promise<void> {
  return (await loadListenTui())(opts);
}
