// Effects that reach the history file through the controller (events no longer in memory).
import { describe, expect, it } from 'vitest';
import { runEffect, type EffectDeps } from '../../src/tui/effects.js';
import { createStore } from '../../src/tui/store.js';
import { initialState, targetRow } from '../../src/tui/state/listen-reducer.js';
import { MAX_BODY_CHARS } from '../../src/tui/state/types.js';
import { T0 } from './helpers/events.js';
import { fakeController } from './helpers/fake-controller.js';
import { HEADER } from './helpers/view.js';

function setup() {
  const store = createStore(initialState(HEADER, { cols: 100, rows: 24 }, T0));
  const controller = fakeController();
  const copies: string[] = [];
  const deps: EffectDeps = { controller, getState: store.getState, dispatch: store.dispatch, copy: (t) => copies.push(t), edit: async (t) => ({ text: t, error: null }), quit: () => {} };
  return { store, controller, copies, deps };
}

describe('effects with the history', () => {
  it('a filter searches the history and older matches can be opened, loaded and replayed', async () => {
    const { store, controller, deps } = setup();
    controller.searchHits = [{ id: 'evt_old1', type: 'vehicle.created', created: '2026-01-01T09:00:00Z', status: 500 }];
    controller.history.set('evt_old1', { id: 'evt_old1', type: 'vehicle.created', body: '{"id":"evt_old1"}' });
    for (const a of [{ type: 'filter-start' }, { type: 'filter-input', text: 'type:vehicle.*' }, { type: 'filter-apply' }] as const) store.dispatch(a);
    await runEffect('search-history', deps);
    expect(controller.calls[0]).toEqual({ fn: 'search', args: ['vehicle', 200] });
    expect(store.getState().visible).toEqual(['evt_old1']);
    store.dispatch({ type: 'open-details' });
    await runEffect('load-details', deps);
    expect(targetRow(store.getState())!.body).toBe('{"id":"evt_old1"}');
    await runEffect('replay', deps);
    expect(controller.calls).toContainEqual({ fn: 'replay', args: ['evt_old1'] });
  });

  it('copies the full payload from the history when the in-memory one was truncated', async () => {
    const { store, controller, copies, deps } = setup();
    const big = JSON.stringify({ id: 'evt_big', pad: 'x'.repeat(MAX_BODY_CHARS) });
    controller.history.set('evt_big', { id: 'evt_big', type: 'vehicle.created', body: big });
    store.dispatch({ type: 'feed', events: [{ kind: 'event', id: 'evt_big', seq: 1, type: 'vehicle.created', created: '', body: big, receivedAt: T0 }] });
    expect(store.getState().rows.get('evt_big')!.bodyTruncated).toBe(true);
    await runEffect('copy-payload', deps);
    expect(copies[0]).toBe(big);
  });

  it('a controller failure becomes a notice, not a crash', async () => {
    const { store, controller, deps } = setup();
    controller.replayFailed = async () => {
      throw new Error('session closed');
    };
    await runEffect('replay-failed', deps);
    expect(store.getState().notice).toEqual({ text: 'replay failed: session closed', level: 'error' });
  });
});
