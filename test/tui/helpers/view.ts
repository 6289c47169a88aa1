// A view state built by feeding events through the real reducer.
import type { ListenEvent } from '../../../src/relay/listen-events.js';
import { initialState, listenReducer, type Action } from '../../../src/tui/state/listen-reducer.js';
import type { ViewState } from '../../../src/tui/state/types.js';
import { T0 } from './events.js';

export const HEADER = { apiUrl: 'http://127.0.0.1:8787', profile: 'local', mode: 'emulator' as const };

export function viewOf(events: ListenEvent[], size = { cols: 100, rows: 24 }, ...actions: Action[]): ViewState {
  let s = listenReducer(initialState(HEADER, size, T0), { type: 'feed', events });
  for (const a of actions) s = listenReducer(s, a);
  return s;
}
