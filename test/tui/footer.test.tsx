import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { Footer, keysLine } from '../../src/tui/components/footer.js';
import { renderTui } from './helpers/render-tui.js';
import { delivered } from './helpers/events.js';
import { viewOf } from './helpers/view.js';

afterEach(() => cleanup());

describe('Footer', () => {
  it('lists the keys of the mode', () => {
    const f = renderTui(<Footer view={viewOf([])} />).lastFrame()!;
    expect(f).toContain('r replay');
    expect(f).toContain('/ filter');
    expect(f).toContain('q quit');
    expect(renderTui(<Footer view={viewOf(delivered(1, 200), undefined, { type: 'open-details' })} />).lastFrame()).toContain('Esc back');
  });

  it('drops less important keys on narrow terminals but keeps quit', () => {
    const line = keysLine('list', 50);
    expect(line.length).toBeLessThanOrEqual(50);
    expect(line).toMatch(/q quit$/);
    expect(line).toContain('↑↓ move');
  });

  it('shows notices such as "copied"', () => {
    const view = viewOf([], undefined, { type: 'notice', notice: { text: 'copied evt_1', level: 'info' } });
    expect(renderTui(<Footer view={view} />).lastFrame()).toContain('copied evt_1');
  });

  it('shows the filter prompt with its match count or its error', () => {
    const typing = viewOf(delivered(1, 500), undefined, { type: 'filter-start' }, { type: 'filter-input', text: 'status:5xx' });
    expect(renderTui(<Footer view={typing} />).lastFrame()).toContain('/status:5xx▏  1 match');
    const bad = viewOf([], undefined, { type: 'filter-start' }, { type: 'filter-input', text: 'status:x' });
    expect(renderTui(<Footer view={bad} />).lastFrame()).toContain("unknown status 'x'");
  });

  it('shows the active filter and how many events are in history', () => {
    const events = Array.from({ length: 1005 }, (_, i) => delivered(i + 1, 200)).flat();
    const view = viewOf(events, undefined, { type: 'filter-start' }, { type: 'filter-input', text: 'status:2xx' }, { type: 'filter-apply' });
    const f = renderTui(<Footer view={{ ...view, size: { cols: 200, rows: 24 } }} />).lastFrame()!;
    expect(f).toContain('filter status:2xx: 1000 shown');
    expect(f).toContain('newest 1000 in memory, 5 older in history');
  });
});
