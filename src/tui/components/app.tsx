// The listen TUI's root: reads the store, maps keys to intents, renders header / body / footer.
// No I/O here: effects go to onEffect (the facade wires them to the controller and the terminal).
import { useEffect } from 'react';
import { Box, useInput } from 'ink';
import { keyToIntent, type Effect, type KeyInfo } from '../state/keymap.js';
import type { Store } from '../store.js';
import { useBudgetedView } from '../hooks/use-budgeted-view.js';
import { Header } from './header.js';
import { EventList } from './event-list.js';
import { DetailsPane } from './details-pane.js';
import { Footer } from './footer.js';
import { HelpOverlay } from './help-overlay.js';
import { activity, activityTicking } from '../state/activity.js';

export interface AppProps {
  store: Store;
  onEffect(effect: Effect): void;
  /** Clock for the reconnect countdown; injected so tests control it. */
  now?: () => number;
}

/** Inside a chunk, Enter and Backspace are plain characters: give them their key meaning back. */
function keyOfChar(ch: string): KeyInfo {
  if (ch === '\r' || ch === '\n') return { return: true };
  if (ch === '\x7f' || ch === '\b') return { backspace: true };
  return {};
}

export function App({ store, onEffect, now = Date.now }: AppProps) {
  // At most 20 frames in any second, drawn as soon as the budget allows.
  const view = useBudgetedView(store);
  useInput((input, key) => {
    // Keys typed faster than we read (a busy loop under a flood, tmux send-keys) arrive as one chunk:
    // take them one by one, so "/status:5xx" opens the filter and types into it.
    const chars = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
    for (const ch of chars) {
      const intent = keyToIntent(store.getState().mode, ch, chars.length > 1 ? keyOfChar(ch) : key);
      if (!intent) continue;
      if (intent.action) store.dispatch(intent.action);
      if (intent.effect) onEffect(intent.effect);
    }
  });
  // Tick only while a countdown is on screen, or (once a second) while the activity line still has
  // something from the last minute to move along; an idle TUI draws nothing.
  const counting = view.connection?.state === 'reconnecting';
  const active = activityTicking(view);
  useEffect(() => {
    if (!counting && !active) return;
    const t = setInterval(() => {
      // While events flow, frames come anyway (at least 2 a second) and the activity window ends at the
      // newest event: a tick would be one more frame showing the same.
      const latest = activity(store.getState()).latest;
      if (!counting && latest !== null && now() - latest < 1000) return;
      store.dispatch({ type: 'tick', now: now() });
    }, counting ? 250 : 1000);
    return () => clearInterval(t);
  }, [counting, active, store, now]);
  return (
    <Box flexDirection="column" width={view.size.cols} height={Math.max(1, view.size.rows - 1)}>
      <Header view={view} />
      {view.mode === 'help' ? <HelpOverlay view={view} /> : view.mode === 'details' ? <DetailsPane view={view} /> : <EventList view={view} />}
      <Footer view={view} />
    </Box>
  );
}
