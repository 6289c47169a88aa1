import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachFeed, FEED_INTERVAL_MS } from '../../src/tui/feed.js';
import type { ListenEvent, ListenListener } from '../../src/relay/listen-events.js';
import type { Action } from '../../src/tui/state/listen-reducer.js';
import { delivered } from './helpers/events.js';

afterEach(() => vi.useRealTimers());

function source() {
  const listeners = new Set<ListenListener>();
  return {
    subscribe: (l: ListenListener) => (listeners.add(l), () => listeners.delete(l)),
    emit: (e: ListenEvent) => listeners.forEach((l) => l(e)),
    count: () => listeners.size,
  };
}

describe('attachFeed', () => {
  it('batches a burst into one reducer pass per interval (<= 10 per second)', () => {
    vi.useFakeTimers();
    const src = source();
    const actions: Action[] = [];
    attachFeed(src.subscribe, (a) => actions.push(a));
    for (let i = 1; i <= 1000; i++) delivered(i, 200).forEach(src.emit);
    expect(actions).toHaveLength(0);
    vi.advanceTimersByTime(FEED_INTERVAL_MS);
    expect(actions).toHaveLength(1);
    expect(actions[0].type === 'feed' && actions[0].events).toHaveLength(3000);
    // A steady 500 events/s for one second: at most 1000 / interval passes.
    for (let t = 0; t < 1000; t += 2) {
      delivered(2000 + t, 200).forEach(src.emit);
      vi.advanceTimersByTime(2);
    }
    vi.advanceTimersByTime(FEED_INTERVAL_MS);
    expect(actions.length - 1).toBeLessThanOrEqual(1000 / FEED_INTERVAL_MS + 1);
    expect(FEED_INTERVAL_MS).toBeGreaterThanOrEqual(100);
  });

  it('flushes what is buffered and unsubscribes on detach', () => {
    vi.useFakeTimers();
    const src = source();
    const actions: Action[] = [];
    const detach = attachFeed(src.subscribe, (a) => actions.push(a));
    delivered(1, 200).forEach(src.emit);
    detach();
    expect(actions).toHaveLength(1);
    expect(src.count()).toBe(0);
    vi.advanceTimersByTime(FEED_INTERVAL_MS * 2);
    expect(actions).toHaveLength(1);
  });
});
