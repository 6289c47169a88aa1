import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachFeed, FEED_INTERVAL_MS, FLOOD_BATCH, FLOOD_INTERVAL_MS } from '../../src/tui/feed.js';
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
  it('batches a burst into one reducer pass', () => {
    vi.useFakeTimers();
    const src = source();
    const actions: Action[] = [];
    attachFeed(src.subscribe, (a) => actions.push(a));
    for (let i = 1; i <= 1000; i++) delivered(i, 200).forEach(src.emit);
    expect(actions).toHaveLength(0);
    vi.advanceTimersByTime(FEED_INTERVAL_MS);
    expect(actions).toHaveLength(1);
    expect(actions[0].type === 'feed' && actions[0].events).toHaveLength(3000);
  });

  it('a steady flood of 500 events/s gets at most 4 passes per second; a trickle at most 10', () => {
    vi.useFakeTimers();
    const src = source();
    const actions: Action[] = [];
    attachFeed(src.subscribe, (a) => actions.push(a));
    for (let t = 0; t < 5000; t += 2) {
      delivered(t, 200).forEach(src.emit);
      vi.advanceTimersByTime(2);
    }
    expect(actions.length).toBeLessThanOrEqual(5 * (1000 / FLOOD_INTERVAL_MS) + 1);
    expect(FLOOD_INTERVAL_MS).toBeGreaterThanOrEqual(250);
    vi.advanceTimersByTime(1000);
    actions.length = 0;
    // A trickle: one event every 20 ms (50/s), batches stay under FLOOD_BATCH.
    for (let t = 0; t < 5000; t += 20) {
      delivered(t, 200).slice(0, 1).forEach(src.emit);
      vi.advanceTimersByTime(20);
    }
    expect(actions.length).toBeLessThanOrEqual(5 * (1000 / FEED_INTERVAL_MS) + 1);
    expect(actions.length).toBeGreaterThan(5 * (1000 / FLOOD_INTERVAL_MS));
    expect(actions.every((a) => a.type === 'feed' && a.events.length < FLOOD_BATCH)).toBe(true);
  });

  it('flushes what is buffered and unsubscribes on detach', () => {
    vi.useFakeTimers();
    const src = source();
    const actions: Action[] = [];
    const feed = attachFeed(src.subscribe, (a) => actions.push(a));
    delivered(1, 200).forEach(src.emit);
    feed.detach();
    expect(actions).toHaveLength(1);
    expect(src.count()).toBe(0);
    vi.advanceTimersByTime(FEED_INTERVAL_MS * 2);
    expect(actions).toHaveLength(1);
  });

  it('hands the buffer to a frame drawn for something else, and then draws no frame of its own', () => {
    vi.useFakeTimers();
    const src = source();
    const actions: Action[] = [];
    const feed = attachFeed(src.subscribe, (a) => actions.push(a));
    expect(feed.drain()).toBeNull();
    delivered(1, 200).forEach(src.emit);
    const taken = feed.drain();
    expect(taken?.type === 'feed' && taken.events).toHaveLength(3);
    vi.advanceTimersByTime(FLOOD_INTERVAL_MS * 2);
    expect(actions).toHaveLength(0);
    // Events after the drain get their own frame as before.
    delivered(2, 200).forEach(src.emit);
    vi.advanceTimersByTime(FLOOD_INTERVAL_MS);
    expect(actions).toHaveLength(1);
    expect(actions[0].type === 'feed' && actions[0].events).toHaveLength(3);
  });
});
