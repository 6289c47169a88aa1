// Keys to intents, per mode. Pure: the app dispatches reducer actions and hands effects to effects.ts.
import type { Action } from './listen-reducer.js';
import type { Mode } from './types.js';

/** The subset of Ink's Key we look at (so tests and other front ends can build it cheaply). */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  tab?: boolean;
}

export type Effect = 'replay' | 'replay-failed' | 'edit-replay' | 'copy-id' | 'copy-payload' | 'toggle-pause' | 'quit' | 'load-details' | 'search-history';

export type Intent = { action: Action; effect?: Effect } | { effect: Effect; action?: undefined } | null;

const act = (action: Action, effect?: Effect): Intent => ({ action, effect });
const fx = (effect: Effect): Intent => ({ effect });

/** Keys that mean the same in the list and the details pane. */
function common(input: string, key: KeyInfo): Intent {
  if (key.upArrow || input === 'k') return act({ type: 'move', delta: -1 });
  if (key.downArrow || input === 'j') return act({ type: 'move', delta: 1 });
  if (key.pageUp || (key.ctrl && input === 'b')) return act({ type: 'page', dir: -1 });
  if (key.pageDown || (key.ctrl && input === 'f') || input === ' ') return act({ type: 'page', dir: 1 });
  if (key.home || input === 'g') return act({ type: 'home' });
  if (key.end || input === 'G') return act({ type: 'end' });
  if (key.escape) return act({ type: 'back' });
  switch (input) {
    case 'r':
      return fx('replay');
    case 'R':
      return fx('replay-failed');
    case 'e':
      return fx('edit-replay');
    case 'c':
      return fx('copy-id');
    case 'C':
      return fx('copy-payload');
    case 'p':
      return fx('toggle-pause');
    case 's':
      return act({ type: 'toggle-secret' });
    case '?':
      return act({ type: 'toggle-help' });
    case '/':
      return act({ type: 'filter-start' });
    case 'q':
      return fx('quit');
  }
  return null;
}

export function keyToIntent(mode: Mode, input: string, key: KeyInfo): Intent {
  // Ctrl-C quits from anywhere, even while typing a filter.
  if (key.ctrl && input === 'c') return fx('quit');
  if (mode === 'filter') {
    if (key.return) return act({ type: 'filter-apply' }, 'search-history');
    if (key.escape) return act({ type: 'back' });
    if (key.backspace || key.delete) return act({ type: 'filter-backspace' });
    if (key.ctrl && input === 'u') return act({ type: 'filter-clear' });
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow) return null;
    // Printable text only (a paste arrives as one string).
    const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
    return text ? act({ type: 'filter-input', text }) : null;
  }
  if (mode === 'help') {
    if (key.escape || input === '?') return act({ type: 'toggle-help' });
    if (input === 'q') return fx('quit');
    return null;
  }
  if (mode === 'list' && key.return) return act({ type: 'open-details' }, 'load-details');
  return common(input, key);
}
