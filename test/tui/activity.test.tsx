// The header's activity line: events per second and p95 forward latency of the last minute, derived
// from the reducer's state; and the App's clock that slides the minute along, then stops.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { App } from '../../src/tui/components/app.js';
import { Header } from '../../src/tui/components/header.js';
import { activityText, eventsWidth } from '../../src/tui/components/activity-line.js';
import { activity, activityTicking, percentile } from '../../src/tui/state/activity.js';
import { createStore } from '../../src/tui/store.js';
import type { ListenEvent } from '../../src/relay/listen-events.js';
import { initialState, listenReducer } from '../../src/tui/state/listen-reducer.js';
import { sparkline, squeeze } from '../../src/util/sparkline.js';
import { renderTui } from './helpers/render-tui.js';
import { attempt, event, ready, response, T0 } from './helpers/events.js';
import { HEADER, viewOf } from './helpers/view.js';

afterEach(() => cleanup());

/** Event n received at `at`, forwarded and answered `status` after `ms`. */
function forwarded(n: number, at: number, status: number | null = 200, ms = 10): ListenEvent[] {
  const e = { ...(event(n) as Extract<ListenEvent, { kind: 'event' }>), receivedAt: at };
  const a = { ...(attempt(n) as Extract<ListenEvent, { kind: 'attempt' }>), at };
  return [e, a, response(n, status, 1, { durationMs: ms, at: at + ms })];
}

describe('sparkline', () => {
  it('scales to the largest value, keeps zero on the baseline and any activity above it', () => {
    expect(sparkline([0, 1, 2, 4, 8, 100])).toBe('▁▂▂▂▂█');
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([3, 6], 12)).toBe('▃▅');
    expect(sparkline([])).toBe('');
  });

  it('squeezes by summing from the newest end, so the last character is the latest data', () => {
    expect(squeeze([1, 2, 3, 4, 5], 2)).toEqual([3, 12]);
    expect(squeeze([1, 2, 3, 4, 5, 6], 3)).toEqual([3, 7, 11]);
    expect(squeeze([1, 2], 5)).toEqual([1, 2]);
    expect(squeeze(new Array(60).fill(1), eventsWidth(100))).toEqual(new Array(30).fill(2));
  });
});

describe('activity', () => {
  it('counts arrivals per second of the last minute and the p95 of answered forwards', () => {
    const events = [ready()];
    // 3 events in the newest second, 1 event 30 s earlier, 1 event too old to count.
    for (let i = 0; i < 3; i++) events.push(...forwarded(10 + i, T0 - 100 + i, 200, 10 * (i + 1)));
    events.push(...forwarded(20, T0 - 30_000, 200, 400));
    events.push(...forwarded(21, T0 - 61_000, 200, 900));
    // A refused connection has no latency to count; the event still arrived.
    events.push(...forwarded(22, T0 - 6_000, null, 5_000));
    const a = activity({ ...viewOf(events), now: T0 });
    expect(a.received).toBe(5);
    expect(a.perSecond).toHaveLength(60);
    expect(a.perSecond[59]).toBe(3);
    expect(a.perSecond[53]).toBe(1);
    expect(a.perSecond[29]).toBe(1);
    expect(a.perSecond.reduce((x, y) => x + y)).toBe(5);
    // Latencies 10, 20, 30, 400: nearest-rank p95 is the 4th.
    expect(a.p95).toBe(400);
    expect(a.p95BySlot[11]).toBe(30);
    expect(a.p95BySlot[6]).toBe(400);
    expect(a.end).toBe(T0);
  });

  it('ends the window at the newest activity when the clock has not ticked since', () => {
    const a = activity({ ...viewOf(forwarded(1, T0 + 5_000)), now: T0 });
    expect(a.end).toBe(T0 + 5_010);
    expect(a.received).toBe(1);
  });

  it('nearest-rank percentile', () => {
    expect(percentile([], 0.95)).toBeNull();
    expect(percentile([5], 0.95)).toBe(5);
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2);
    expect(percentile(Array.from({ length: 100 }, (_, i) => 100 - i), 0.95)).toBe(95);
  });

  it('keeps the clock ticking only while the last minute has something in it', () => {
    const view = viewOf(forwarded(1, T0));
    expect(activityTicking({ ...view, now: T0 + 30_000 })).toBe(true);
    expect(activityTicking({ ...view, now: T0 + 61_000 })).toBe(false);
    expect(activityTicking(viewOf([ready()]))).toBe(false);
  });
});

describe('activity line', () => {
  it('is the header\'s fourth line: events sparkline, rate, p95 sparkline and p95', () => {
    const events = [ready()];
    for (let i = 0; i < 30; i++) events.push(...forwarded(i + 1, T0 - 29_000 + i * 1000, 200, 12));
    const view = { ...viewOf(events), now: T0 };
    const f = renderTui(<Header view={view} />).lastFrame()!;
    const line = f.split('\n')[3];
    expect(line).toMatch(/^last 60s {2}events [▁-█]{30} 0\.5\/s {2}p95 [▁-█]{12} 12 ms$/);
    expect(activityText(view).events).toBe('▁'.repeat(15) + '█'.repeat(15));
  });

  it('says so when nothing has happened', () => {
    const f = renderTui(<Header view={viewOf([ready()])} />).lastFrame()!;
    expect(f.split('\n')[3]).toBe(`last 60s  events ${'▁'.repeat(30)} 0.0/s  p95 ${'▁'.repeat(12)} -`);
  });

  it('slides along with the clock in the App, down to zero, then stops ticking', async () => {
    const store = createStore(listenReducer(initialState(HEADER, { cols: 100, rows: 24 }, T0), { type: 'feed', events: [ready(), ...forwarded(1, T0)] }));
    let clock = T0;
    const r = renderTui(<App store={store} onEffect={() => undefined} now={() => clock} />);
    await r.waitForFrame((f) => /events [▁-█]*█ 0\.0\/s/.test(f), 'the event in the newest second');
    clock = T0 + 61_000;
    await r.waitForFrame((f) => f.includes(`events ${'▁'.repeat(30)} 0.0/s  p95 ${'▁'.repeat(12)} -`), 'the minute to slide past the event');
    expect(store.getState().now).toBe(T0 + 61_000);
    expect(activityTicking(store.getState())).toBe(false);
  });

  it('does not tick while events are still arriving (their frames move the window), then ticks again', async () => {
    const store = createStore(listenReducer(initialState(HEADER, { cols: 100, rows: 24 }, T0), { type: 'feed', events: [ready(), ...forwarded(1, T0)] }));
    const ticks: number[] = [];
    const dispatch = store.dispatch;
    store.dispatch = (a, ...more) => (a.type === 'tick' && ticks.push(a.now), dispatch(a, ...more));
    let clock = T0 + 500;
    let reads = 0;
    const r = renderTui(<App store={store} onEffect={() => undefined} now={() => (reads++, clock)} />);
    await r.waitForFrame(() => reads > 0, 'the clock to be read');
    expect(ticks).toEqual([]);
    clock = T0 + 5_000;
    await r.waitForFrame(() => ticks.length > 0, 'a tick once the last event is a second old');
    expect(ticks).toEqual([T0 + 5_000]);
  });
});
