// A tiny external store around the pure reducer: synchronous getState() so effects see the state right
// after a key's action, and one subscription point for React (useSyncExternalStore).
import { listenReducer, type Action } from './state/listen-reducer.js';
import type { ViewState } from './state/types.js';

export interface Store {
  getState(): ViewState;
  /** Several actions: one notification (one frame) for all of them. */
  dispatch(action: Action, ...more: Action[]): void;
  subscribe(listener: () => void): () => void;
}

export function createStore(initial: ViewState): Store {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action, ...more) {
      let next = listenReducer(state, action);
      for (const a of more) next = listenReducer(next, a);
      if (next === state) return;
      state = next;
      for (const l of listeners) l();
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
