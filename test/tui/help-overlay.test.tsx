import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { HelpOverlay, HELP_LINES } from '../../src/tui/components/help-overlay.js';
import { renderTui } from './helpers/render-tui.js';
import { viewOf } from './helpers/view.js';

afterEach(() => cleanup());

describe('HelpOverlay', () => {
  it('lists every key and the filter syntax at 80x24', () => {
    const f = renderTui(<HelpOverlay view={viewOf([], { cols: 80, rows: 24 })} />).lastFrame()!;
    for (const [k] of HELP_LINES) expect(f).toContain(k);
    expect(f).toContain('status:5xx');
    expect(f).toContain('type:vehicle.*');
    expect(f).toContain('newest 1000 events');
  });
});
