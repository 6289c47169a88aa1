// Batches the session's ListenEvents into the store: at most one reducer pass (and so at most one frame)
// per interval, however many events arrive. At 500 events/s that is ~75 events per pass, 20 passes/s.
import type { ListenEvent, ListenListener } from '../relay/listen-events.js';
import type { Action } from './state/listen-reducer.js';

/** 50 ms = at most 20 reducer passes per second (Ink's maxFps is set to the same). */
export const FEED_INTERVAL_MS = 50;

export function attachFeed(subscribe: (l: ListenListener) => () => void, dispatch: (a: Action) => void, intervalMs = FEED_INTERVAL_MS): () => void {
  let buffer: ListenEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const events = buffer;
    buffer = [];
    dispatch({ type: 'feed', events });
  };
  const unsubscribe = subscribe((e) => {
    buffer.push(e);
    timer ??= setTimeout(flush, intervalMs);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    if (buffer.length) flush();
  };
}
