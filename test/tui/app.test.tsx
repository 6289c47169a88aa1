// The whole TUI in memory: keys in, frames and controller intents out.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { App } from '../../src/tui/components/app.js';
import { runEffect } from '../../src/tui/effects.js';
import { createStore } from '../../src/tui/store.js';
import type { ListenEvent } from '../../src/relay/listen-events.js';
import { initialState, listenReducer } from '../../src/tui/state/listen-reducer.js';
import { KEYS, renderTui } from './helpers/render-tui.js';
import { body, delivered, evtId, ready, T0 } from './helpers/events.js';
import { fakeController } from './helpers/fake-controller.js';
import { HEADER } from './helpers/view.js';
import { waitFor } from '../helpers/wait-for.js';

afterEach(() => cleanup());

async function mountApp(events: ListenEvent[], opts: { edit?: (text: string) => string | null } = {}) {
  const store = createStore(listenReducer(initialState(HEADER, { cols: 100, rows: 24 }, T0), { type: 'feed', events }));
  const controller = fakeController();
  const copies: string[] = [];
  const edits: string[] = [];
  let quits = 0;
  const r = renderTui(
    <App
      store={store}
      onEffect={(effect) =>
        void runEffect(effect, {
          controller,
          getState: store.getState,
          dispatch: store.dispatch,
          copy: (t) => copies.push(t),
          edit: async (t) => {
            edits.push(t);
            const text = opts.edit ? opts.edit(t) : t;
            return { text, error: text === null ? 'vi exited with 1' : null };
          },
          quit: () => void quits++,
        })
      }
    />,
  );
  await r.inputReady();
  const selected = () => r.lastFrame()!.split('\n').find((l) => l.startsWith('> ')) ?? '';
  return { r, store, controller, copies, edits, quits: () => quits, selected };
}

const three = () => [ready(), ...delivered(1, 200), ...delivered(2, 500), ...delivered(3, 200)];

describe('App keys', () => {
  it('moves with arrows and j/k, jumps with g/G and Home/End', async () => {
    const { r, selected } = await mountApp(three());
    expect(selected()).toContain(evtId(3));
    r.press(KEYS.up);
    await r.waitForFrame(() => selected().includes(evtId(2)), 'up');
    r.press('k');
    await r.waitForFrame(() => selected().includes(evtId(1)), 'k');
    r.press('j');
    await r.waitForFrame(() => selected().includes(evtId(2)), 'j');
    r.press(KEYS.down);
    await r.waitForFrame(() => selected().includes(evtId(3)), 'down');
    r.press('g');
    await r.waitForFrame(() => selected().includes(evtId(1)), 'g');
    r.press('G');
    await r.waitForFrame(() => selected().includes(evtId(3)), 'G');
    r.press(KEYS.home);
    await r.waitForFrame(() => selected().includes(evtId(1)), 'Home');
    r.press(KEYS.end);
    await r.waitForFrame(() => selected().includes(evtId(3)), 'End');
  });

  it('pages with PgUp/PgDn', async () => {
    const events = [ready(), ...Array.from({ length: 60 }, (_, i) => delivered(i + 1, 200)).flat()];
    const { r, selected } = await mountApp(events);
    r.press(KEYS.pageUp);
    await r.waitForFrame(() => !selected().includes(evtId(60)) && selected() !== '', 'PgUp');
    const afterUp = selected();
    r.press(KEYS.pageDown);
    await r.waitForFrame(() => selected().includes(evtId(60)), 'PgDn');
    expect(afterUp).not.toBe(selected());
  });

  it('Enter opens the details, Esc goes back', async () => {
    const { r } = await mountApp(three());
    r.press(KEYS.up + KEYS.enter);
    const f = await r.waitForFrame((f) => f.includes('Attempts (1;'), 'details');
    expect(f).toContain(`${evtId(2)}  maintenance.task.created  500`);
    expect(f).toMatch(/#1 \d\d:\d\d:\d\d\s+→ 500  in 12 ms/);
    r.press('G');
    await r.waitForFrame((f) => f.includes('reply 500'), 'details scrolled to the response');
    r.press(KEYS.escape);
    await r.waitForFrame((f) => f.includes('EVENT ID'), 'list again');
  });

  it('r replays the selected event through the controller', async () => {
    const { r, controller } = await mountApp(three());
    r.press('k');
    r.press('r');
    await r.waitForFrame((f) => f.includes(`replayed ${evtId(2)}`), 'replay notice');
    expect(controller.calls).toContainEqual({ fn: 'replay', args: [evtId(2)] });
  });

  it('keys that need an event say so when there is none', async () => {
    const { r, controller, copies } = await mountApp([ready()]);
    for (const k of ['r', 'c', 'e']) {
      r.press(k);
      await r.waitForFrame((f) => f.includes('no event selected'), `${k} without events`);
      r.press('j'); // clears the notice
      await r.waitForFrame((f) => !f.includes('no event selected'));
    }
    r.press(KEYS.enter);
    await r.waitForFrame((f) => f.includes('no event selected'), 'Enter without events');
    expect(controller.calls).toEqual([]);
    expect(copies).toEqual([]);
  });

  it('R replays every failed event', async () => {
    const { r, controller } = await mountApp(three());
    controller.failedCount = 1;
    r.press('R');
    await r.waitForFrame((f) => f.includes('replaying 1 failed event'), 'R notice');
    expect(controller.calls).toContainEqual({ fn: 'replayFailed', args: [] });
  });

  it('e sends the edited body, compact and re-signed by the controller', async () => {
    const { r, controller, edits } = await mountApp(three(), { edit: (t) => t.replace('"oil_change"', '"tire_change"') });
    r.press('e');
    await r.waitForFrame((f) => f.includes(`sent the modified ${evtId(3)}`), 'edit notice');
    expect(edits[0]).toContain('\n  "data": {');
    const call = controller.calls.find((c) => c.fn === 'replayBody')!;
    expect(call.args[0]).toBe(evtId(3));
    expect(call.args[1]).toBe(body(evtId(3)).replace('oil_change', 'tire_change'));
  });

  it('e with invalid JSON says so and sends nothing', async () => {
    const { r, controller } = await mountApp(three(), { edit: (t) => t.slice(0, -3) });
    r.press('e');
    await r.waitForFrame((f) => /invalid JSON \(.+\): nothing sent/.test(f), 'invalid JSON notice');
    expect(controller.calls.filter((c) => c.fn === 'replayBody')).toEqual([]);
  });

  it('e when the editor fails sends nothing', async () => {
    const { r, controller } = await mountApp(three(), { edit: () => null });
    r.press('e');
    await r.waitForFrame((f) => f.includes('vi exited with 1: nothing sent'), 'editor failure');
    expect(controller.calls.filter((c) => c.fn === 'replayBody')).toEqual([]);
  });

  it('/ filters by status as you type, Enter applies and searches the history', async () => {
    const { r, controller } = await mountApp(three());
    r.press('/');
    await r.waitForFrame((f) => f.includes('⏎ apply'), 'filter prompt');
    r.press('status:5xx');
    await r.waitForFrame((f) => f.includes('/status:5xx▏  1 match') && !f.includes(evtId(1)), 'filtered');
    r.press(KEYS.enter);
    await r.waitForFrame((f) => f.includes('filter status:5xx: 1 shown'), 'applied');
    await waitFor(() => controller.calls.some((c) => c.fn === 'search'));
    r.press(KEYS.escape);
    await r.waitForFrame((f) => f.includes(evtId(1)), 'cleared');
  });

  it('a filter typed and applied in one chunk (tmux send-keys, a paste) is applied, and q then quits', async () => {
    const { r, quits } = await mountApp(three());
    r.press('/status:5xx\r');
    await r.waitForFrame((f) => f.includes('filter status:5xx: 1 shown') && !f.includes(evtId(1)), 'applied in one chunk');
    r.press('q');
    await waitFor(() => quits() === 1, { what: 'q to quit after the filter was applied' });
  });

  it('p pauses and resumes forwarding', async () => {
    const { r, controller } = await mountApp(three());
    r.press('p');
    await r.waitForFrame((f) => f.includes('PAUSED') && f.includes('nothing is lost'), 'paused');
    r.press('p');
    await r.waitForFrame((f) => !f.includes('PAUSED'), 'resumed');
    expect(controller.calls.filter((c) => c.fn === 'setPaused').map((c) => c.args[0])).toEqual([true, false]);
  });

  it('c copies the id and C the payload, and say "copied"', async () => {
    const { r, copies } = await mountApp(three());
    r.press('c');
    await r.waitForFrame((f) => f.includes(`copied ${evtId(3)}`), 'copy id');
    r.press('C');
    await r.waitForFrame((f) => f.includes(`copied the payload of ${evtId(3)}`), 'copy payload');
    expect(copies).toEqual([evtId(3), body(evtId(3))]);
  });

  it('s reveals the secret, ? shows help and Esc closes it', async () => {
    const { r } = await mountApp(three());
    r.press('s');
    await r.waitForFrame((f) => f.includes('whsec_abcdefghijklmnopqrstuvwxyz012345'), 'secret');
    r.press('?');
    await r.waitForFrame((f) => f.includes('pause / resume forwarding'), 'help');
    r.press(KEYS.escape);
    await r.waitForFrame((f) => f.includes('EVENT ID'), 'help closed');
  });

  it('q and Ctrl-C quit', async () => {
    const a = await mountApp(three());
    a.r.press('q');
    await waitFor(() => a.quits() === 1);
    const b = await mountApp(three());
    b.r.press(KEYS.ctrlC);
    await waitFor(() => b.quits() === 1);
  });

  it('new events show up while keys are handled', async () => {
    const { r, store } = await mountApp(three());
    store.dispatch({ type: 'feed', events: delivered(4, 201) });
    await r.waitForFrame((f) => f.includes(evtId(4)) && /received 4/.test(f), 'new event');
  });
});
