import { describe, expect, it } from 'vitest';
import { initialState, listenReducer, selectedRow, targetRow, type Action } from '../../src/tui/state/listen-reducer.js';
import { listHeight } from '../../src/tui/state/layout.js';
import { MAX_ATTEMPTS, MAX_EVENTS, type ViewState } from '../../src/tui/state/types.js';
import { attempt, delivered, event, evtId, ready, response, T0 } from './helpers/events.js';
import { HEADER, viewOf } from './helpers/view.js';

const run = (s: ViewState, ...actions: Action[]) => actions.reduce(listenReducer, s);
const feed = (s: ViewState, ...events: Parameters<typeof viewOf>[0]) => listenReducer(s, { type: 'feed', events });

describe('listen reducer: events', () => {
  it('starts empty with nothing selected', () => {
    const s = initialState(HEADER, { cols: 80, rows: 24 }, T0);
    expect(s.visible).toEqual([]);
    expect(selectedRow(s)).toBeUndefined();
    expect(s.counts).toEqual({ received: 0, ok: 0, failed: 0, pending: 0 });
  });

  it('counts received, 2xx, failed and pending from each event\'s latest attempt', () => {
    const s = viewOf([ready(), ...delivered(1, 200), ...delivered(2, 500), ...delivered(3, null), event(4), attempt(4)]);
    expect(s.counts).toEqual({ received: 4, ok: 1, failed: 2, pending: 1 });
    expect(s.rows.get(evtId(3))!.outcome).toBe('failed');
    expect(s.rows.get(evtId(4))!.outcome).toBe('pending');
    expect(s.session.secret).toMatch(/^whsec_/);
    expect(s.connection?.state).toBe('ready');
  });

  it('marks an event held while the receiver is down and counts it pending', () => {
    const s = viewOf([event(1), attempt(1), response(1, null, 1, { willRetry: true })]);
    expect(s.rows.get(evtId(1))!.outcome).toBe('held');
    expect(s.counts.pending).toBe(1);
    const after = feed(s, attempt(1, 2), response(1, 200, 2));
    expect(after.rows.get(evtId(1))!.outcome).toBe('ok');
    expect(after.rows.get(evtId(1))!.attempts).toHaveLength(2);
    expect(after.counts).toMatchObject({ ok: 1, pending: 0 });
  });

  it('a replay adds an attempt to the same row and its outcome wins', () => {
    const s = viewOf([...delivered(1, 500), attempt(1, 2, true), response(1, 200, 2)]);
    const row = s.rows.get(evtId(1))!;
    expect(row.attempts.map((a) => a.replay)).toEqual([false, true]);
    expect(row.outcome).toBe('ok');
    expect(s.order).toEqual([evtId(1)]);
  });

  it(`keeps the newest ${MAX_ATTEMPTS} attempts of a long outage but counts them all`, () => {
    const events = [event(1)];
    for (let a = 1; a <= MAX_ATTEMPTS + 5; a++) events.push(attempt(1, a), response(1, null, a, { willRetry: true }));
    const row = viewOf(events).rows.get(evtId(1))!;
    expect(row.attempts).toHaveLength(MAX_ATTEMPTS);
    expect(row.attemptCount).toBe(MAX_ATTEMPTS + 5);
    expect(row.attempts.at(-1)!.number).toBe(MAX_ATTEMPTS + 5);
    expect(row.outcome).toBe('held');
  });

  it('a redelivered event id (at-least-once) stays one row', () => {
    const s = viewOf([...delivered(1, 200), event(1)]);
    expect(s.order).toEqual([evtId(1)]);
    expect(s.counts.received).toBe(1);
    expect(s.rows.get(evtId(1))!.attempts).toHaveLength(1);
  });

  it('keeps a modified replay body on its attempt only', () => {
    const s = viewOf([...delivered(1, 200), attempt(1, 2, true, '{"edited":true}')]);
    const row = s.rows.get(evtId(1))!;
    expect(row.attempts[0].body).toBeNull();
    expect(row.attempts[1].body).toBe('{"edited":true}');
  });

  it('an attempt for an event not in memory becomes a history row that is not counted as received', () => {
    const s = viewOf([attempt(7, 1, true)]);
    expect(s.rows.get(evtId(7))!.fromHistory).toBe(true);
    expect(s.counts.received).toBe(0);
  });

  it('tracks connection, pause, receiver and fatal errors', () => {
    const s = viewOf([
      { kind: 'connection', connection: { state: 'reconnecting', attempt: 2, inMs: 4000, reason: 'socket closed' }, at: T0 + 10 },
      { kind: 'paused', paused: true, at: T0 },
      { kind: 'receiver', url: 'http://x', up: false, error: 'ECONNREFUSED', held: 3, at: T0 },
      { kind: 'error', message: 'API key revoked', fatal: true, at: T0 },
    ]);
    expect(s.connection).toMatchObject({ state: 'reconnecting', inMs: 4000, at: T0 + 10 });
    expect(s.paused).toBe(true);
    expect(s.receivers['http://x']).toEqual({ up: false, error: 'ECONNREFUSED', held: 3 });
    expect(s.fatal).toBe('API key revoked');
    expect(s.notice?.level).toBe('error');
  });
});

describe('listen reducer: bounded memory', () => {
  it(`keeps the newest ${MAX_EVENTS} events and the counts of the evicted ones`, () => {
    const events = [];
    for (let i = 1; i <= MAX_EVENTS + 250; i++) events.push(...delivered(i, i % 10 === 0 ? 500 : 200));
    const s = viewOf(events);
    expect(s.order).toHaveLength(MAX_EVENTS);
    expect(s.rows.size).toBe(MAX_EVENTS);
    expect(s.order[0]).toBe(evtId(251));
    expect(s.evicted).toBe(250);
    expect(s.counts.received).toBe(MAX_EVENTS + 250);
    expect(s.counts.failed).toBe((MAX_EVENTS + 250) / 10);
    expect(s.counts.ok + s.counts.failed).toBe(s.counts.received);
  });

  it('evicts across many small batches too', () => {
    let s = initialState(HEADER, { cols: 100, rows: 24 }, T0);
    for (let i = 1; i <= MAX_EVENTS + 10; i++) s = feed(s, ...delivered(i, 200));
    expect(s.order).toHaveLength(MAX_EVENTS);
    expect(s.counts.received).toBe(MAX_EVENTS + 10);
  });
});

describe('listen reducer: navigation', () => {
  const many = () => viewOf(Array.from({ length: 50 }, (_, i) => delivered(i + 1, 200)).flat(), { cols: 100, rows: 24 });

  it('follows the newest event until the user moves up, then keeps the selection put', () => {
    let s = many();
    expect(selectedRow(s)!.id).toBe(evtId(50));
    s = run(s, { type: 'move', delta: -2 });
    expect(selectedRow(s)!.id).toBe(evtId(48));
    s = feed(s, ...delivered(51, 200));
    expect(selectedRow(s)!.id).toBe(evtId(48));
    s = run(s, { type: 'end' });
    s = feed(s, ...delivered(52, 200));
    expect(selectedRow(s)!.id).toBe(evtId(52));
  });

  it('pages, jumps home and keeps the cursor inside the window', () => {
    let s = many();
    const h = listHeight(24);
    expect(s.scrollTop).toBe(50 - h);
    s = run(s, { type: 'home' });
    expect(s.cursor).toBe(0);
    expect(s.scrollTop).toBe(0);
    s = run(s, { type: 'page', dir: 1 });
    expect(s.cursor).toBe(h);
    expect(s.cursor).toBeGreaterThanOrEqual(s.scrollTop);
    expect(s.cursor).toBeLessThan(s.scrollTop + h);
    s = run(s, { type: 'move', delta: -1000 });
    expect(s.cursor).toBe(0);
  });

  it('a resize changes the window and still shows the cursor', () => {
    let s = run(many(), { type: 'home' }, { type: 'page', dir: 1 }, { type: 'page', dir: 1 });
    s = run(s, { type: 'resize', cols: 80, rows: 12 });
    expect(s.cursor - s.scrollTop).toBeLessThan(listHeight(12));
    expect(s.cursor).toBeGreaterThanOrEqual(s.scrollTop);
  });

  it('opens details on the selected event and keeps showing it while new events arrive', () => {
    let s = run(many(), { type: 'move', delta: -1 }, { type: 'open-details' });
    expect(s.mode).toBe('details');
    expect(s.detailsId).toBe(evtId(49));
    s = run(s, { type: 'end' }); // scrolls the details, not the list
    s = feed(s, ...delivered(51, 200));
    expect(targetRow(s)!.id).toBe(evtId(49));
    s = run(s, { type: 'back' });
    expect(s.mode).toBe('list');
    expect(s.detailsId).toBeNull();
  });

  it('scrolls the details within its lines', () => {
    let s = viewOf([...delivered(1, 200), attempt(1, 2, true), response(1, 500, 2)], { cols: 80, rows: 12 }, { type: 'open-details' });
    s = run(s, { type: 'move', delta: 3 });
    expect(s.detailsScroll).toBe(3);
    s = run(s, { type: 'end' });
    const max = s.detailsScroll;
    s = run(s, { type: 'move', delta: 5 });
    expect(s.detailsScroll).toBe(max);
    s = run(s, { type: 'home' });
    expect(s.detailsScroll).toBe(0);
  });

  it('says "no event selected" when Enter has nothing to open', () => {
    const s = run(viewOf([]), { type: 'open-details' });
    expect(s.mode).toBe('list');
    expect(s.notice?.text).toBe('no event selected');
  });

  it('help returns to the mode it came from', () => {
    let s = run(many(), { type: 'open-details' }, { type: 'toggle-help' });
    expect(s.mode).toBe('help');
    s = run(s, { type: 'toggle-help' });
    expect(s.mode).toBe('details');
  });

  it('toggles the secret and pause, and a key clears the last notice', () => {
    let s = run(many(), { type: 'notice', notice: { text: 'copied', level: 'info' } });
    s = run(s, { type: 'toggle-secret' }, { type: 'set-paused', paused: true });
    expect(s.revealSecret).toBe(true);
    expect(s.paused).toBe(true);
    expect(s.notice).toBeNull();
  });
});

describe('listen reducer: filter', () => {
  const mixed = () =>
    viewOf([...delivered(1, 200, 'vehicle.created'), ...delivered(2, 503, 'vehicle.updated'), ...delivered(3, 404, 'parts.order.created'), event(4, 'session.ended'), ...delivered(5, null, 'vehicle.deleted')]);
  const typeIn = (s: ViewState, text: string) => run(s, { type: 'filter-start' }, { type: 'filter-input', text });

  it('filters live while typing and applies on Enter', () => {
    let s = typeIn(mixed(), 'status:5xx');
    expect(s.mode).toBe('filter');
    expect(s.visible).toEqual([evtId(2)]);
    s = run(s, { type: 'filter-apply' });
    expect(s.mode).toBe('list');
    expect(s.filterText).toBe('status:5xx');
    expect(selectedRow(s)!.id).toBe(evtId(2));
  });

  it.each([
    ['status:failed', [2, 3, 5]],
    ['status:pending', [4]],
    ['status:2xx', [1]],
    ['status:404', [3]],
    ['status:error', [5]],
    ['type:vehicle.*', [1, 2, 5]],
    ['type:parts', [3]],
    ['vehicle', [1, 2, 5]],
    ['vehicle status:failed', [2, 5]],
    [evtId(4).slice(-6), [4]],
    ['id:' + evtId(3), [3]],
  ])('%s matches %j', (text, ids) => {
    expect(typeIn(mixed(), text).visible).toEqual(ids.map(evtId));
  });

  it('an unknown status is an error and keeps the previous list', () => {
    const s = typeIn(mixed(), 'status:bogus');
    expect(s.filterError).toMatch(/unknown status 'bogus'/);
    expect(s.visible).toHaveLength(5);
    expect(run(s, { type: 'filter-apply' }).mode).toBe('filter');
  });

  it('Esc while typing restores the previous filter; Esc in the list clears it', () => {
    let s = run(typeIn(mixed(), 'status:5xx'), { type: 'filter-apply' });
    s = run(s, { type: 'filter-start' }, { type: 'filter-input', text: 'x' }, { type: 'back' });
    expect(s.filterText).toBe('status:5xx');
    expect(s.visible).toEqual([evtId(2)]);
    s = run(s, { type: 'back' });
    expect(s.filterText).toBe('');
    expect(s.visible).toHaveLength(5);
  });

  it('backspace and Ctrl-U edit the draft', () => {
    let s = typeIn(mixed(), 'status:5xxz');
    s = run(s, { type: 'filter-backspace' });
    expect(s.filterDraft).toBe('status:5xx');
    s = run(s, { type: 'filter-clear' });
    expect(s.visible).toHaveLength(5);
  });

  it('new events are filtered as they arrive', () => {
    let s = run(typeIn(mixed(), 'status:5xx'), { type: 'filter-apply' });
    s = feed(s, ...delivered(6, 502), ...delivered(7, 200));
    expect(s.visible).toEqual([evtId(2), evtId(6)]);
  });

  it('merges matching history hits (older, evicted events) before the in-memory ones', () => {
    let s = run(typeIn(mixed(), 'type:vehicle.*'), { type: 'filter-apply' });
    s = run(s, { type: 'history-hits', hits: [{ id: 'evt_old', type: 'vehicle.created', created: '2026-01-01T00:00:00Z', status: 500 }, { id: evtId(1), type: 'vehicle.created', created: '', status: 200 }] });
    expect(s.visible).toEqual(['evt_old', evtId(1), evtId(2), evtId(5)]);
    // The history answers newest first; the list shows oldest first.
    const two = run(s, { type: 'history-hits', hits: [{ id: 'evt_new', type: 'vehicle.created', created: '2026-01-01T09:00:01Z', status: 200 }, { id: 'evt_old', type: 'vehicle.created', created: '2026-01-01T00:00:00Z', status: 500 }] });
    expect(two.visible.slice(0, 2)).toEqual(['evt_old', 'evt_new']);
    expect(s.historyHits).toHaveLength(1);
    s = run(s, { type: 'home' }, { type: 'open-details' });
    expect(targetRow(s)!.fromHistory).toBe(true);
    s = run(s, { type: 'history-loaded', event: { id: 'evt_old', type: 'vehicle.created', body: '{"id":"evt_old"}' } });
    expect(targetRow(s)!.body).toBe('{"id":"evt_old"}');
    // Replaying it brings it into memory with what the history said, not as an anonymous stub.
    s = feed(s, { ...attempt(1, 9, true), eventId: 'evt_old', attemptId: 'att_old' });
    expect(s.rows.get('evt_old')).toMatchObject({ type: 'vehicle.created', body: '{"id":"evt_old"}', fromHistory: true, attemptCount: 1 });
    expect(targetRow(s)!.id).toBe('evt_old');
  });
});
