// Batches the session's ListenEvents into the store: at most one reducer pass (and so at most one frame)
// per interval, however many events arrive. A frame costs ~10 ms of Ink layout and ANSI work on a
// 100x30 screen, so event-driven frames are kept at 10 per second, and at 2 per second while a flood
// lasts (a batch of FLOOD_BATCH events or more): nobody reads 500 rows a second, and the CPU goes to
// forwarding (at 4 per second a flood of 500 events/s cost the TUI ~1.6x the CPU of --format json). Key presses do not wait for this: they render at once (Ink caps frames at 20 per second).
// A frame drawn for another reason (a key, the clock) takes what is buffered with it (drain): the
// screen is as fresh, and the batch's own frame is not drawn a moment later as well.
import type { ListenEvent, ListenListener } from '../relay/listen-events.js';
import type { Action } from './state/listen-reducer.js';

/** 100 ms = at most 10 event-driven frames per second. */
export const FEED_INTERVAL_MS = 100;
/** Under a flood: 500 ms = 2 frames per second. */
export const FLOOD_INTERVAL_MS = 500;
export const FLOOD_BATCH = 50;

export interface Feed {
  /** Flushes what is buffered and unsubscribes. */
  detach(): void;
  /** Hands over the buffered events (none: null) and cancels their pending frame. */
  drain(): Action | null;
}

export function attachFeed(subscribe: (l: ListenListener) => () => void, dispatch: (a: Action) => void): Feed {
  let buffer: ListenEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let interval = FEED_INTERVAL_MS;
  const take = (): Action | null => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!buffer.length) return null;
    const events = buffer;
    buffer = [];
    // The pace follows the flow: a drained batch counts as part of the current interval.
    if (events.length >= FLOOD_BATCH) interval = FLOOD_INTERVAL_MS;
    return { type: 'feed', events };
  };
  const flush = () => {
    const action = take();
    interval = action && action.type === 'feed' && action.events.length >= FLOOD_BATCH ? FLOOD_INTERVAL_MS : FEED_INTERVAL_MS;
    if (action) dispatch(action);
  };
  const unsubscribe = subscribe((e) => {
    buffer.push(e);
    timer ??= setTimeout(flush, interval);
  });
  return {
    detach() {
      unsubscribe();
      flush();
    },
    drain: take,
  };
}
