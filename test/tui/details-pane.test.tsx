import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { DetailsPane } from '../../src/tui/components/details-pane.js';
import { detailsHeight } from '../../src/tui/state/layout.js';
import { renderTui } from './helpers/render-tui.js';
import { attempt, delivered, evtId, response } from './helpers/events.js';
import { viewOf } from './helpers/view.js';

afterEach(() => cleanup());

describe('DetailsPane', () => {
  it('shows the pretty JSON body, request headers and the local response', () => {
    const view = viewOf(delivered(1, 201), { cols: 100, rows: 40 }, { type: 'open-details' });
    const f = renderTui(<DetailsPane view={view} />).lastFrame()!;
    expect(f).toContain(evtId(1));
    expect(f).toContain('"type": "maintenance.task.created"');
    expect(f).toContain('"task": {');
    expect(f).toContain('x-propitbox-signature: f00d');
    expect(f).toContain('→ 201  in 12 ms');
    expect(f).toContain('x-reply: yes');
    expect(f).toContain('reply 201');
  });

  it('lists every attempt, newest first, with replays and errors marked', () => {
    const view = viewOf([...delivered(1, null), attempt(1, 2, true, '{"edited":1}'), response(1, 200, 2)], { cols: 100, rows: 60 }, { type: 'open-details' });
    const f = renderTui(<DetailsPane view={view} />).lastFrame()!;
    const second = f.indexOf('Attempt 2/2 (replay)');
    const first = f.indexOf('Attempt 1/2');
    expect(second).toBeGreaterThan(-1);
    expect(first).toBeGreaterThan(second);
    expect(f).toContain('connect ECONNREFUSED 127.0.0.1:3000');
    expect(f).toContain('Request body (modified)');
    // The summary above the body: newest first.
    expect(f.indexOf('#2 ')).toBeLessThan(f.indexOf('#1 '));
    expect(f.indexOf('#1 ')).toBeLessThan(f.indexOf('Body'));
    expect(f).toMatch(/#2 \S+ replay\s+→ 200  in 12 ms/);
    expect(f).toContain('"edited": 1');
  });

  it('scrolls: renders only the lines that fit, from the scroll offset', () => {
    const base = viewOf(delivered(1, 200), { cols: 100, rows: 12 }, { type: 'open-details' });
    const top = renderTui(<DetailsPane view={base} />).lastFrame()!;
    expect(top).toContain('Body');
    expect(top).toMatch(new RegExp(`lines 1-${detailsHeight(12)} of \\d+`));
    const scrolled = viewOf(delivered(1, 200), { cols: 100, rows: 12 }, { type: 'open-details' }, { type: 'end' });
    const f = renderTui(<DetailsPane view={scrolled} />).lastFrame()!;
    expect(f).toContain('reply 200');
    expect(f).not.toContain('created 2026');
  });

  it('says when the event left memory', () => {
    const view = { ...viewOf([]), mode: 'details' as const, detailsId: 'evt_gone' };
    expect(renderTui(<DetailsPane view={view} />).lastFrame()).toContain('left memory');
  });
});
