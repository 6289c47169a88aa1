// Batches the session's ListenEvents into the store: at most one reducer pass (and so at most one frame)
// per interval, however many events arrive. At 500 events/s that is ~150 events per pass, 10 passes/s.
// A frame costs ~10 ms of Ink layout and ANSI work on a 100x30 screen, so event-driven frames are kept
// at 10 per second; key presses render at once (Ink's own cap is 20 frames per second).
import type { ListenEvent, ListenListener } from '../relay/listen-events.js';
import type { Action } from './state/listen-reducer.js';

/** 100 ms = at most 10 event-driven frames per second. */
export const FEED_INTERVAL_MS = 100;

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
