import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { EventList } from '../../src/tui/components/event-list.js';
import { columnsFor } from '../../src/tui/columns.js';
import { clock, shortTarget } from '../../src/tui/format.js';
import { listHeight } from '../../src/tui/state/layout.js';
import { renderTui } from './helpers/render-tui.js';
import { attempt, delivered, event, evtId, ready, response, T0 } from './helpers/events.js';
import { viewOf } from './helpers/view.js';

afterEach(() => cleanup());

const frame = (view: ReturnType<typeof viewOf>) => renderTui(<EventList view={view} />).lastFrame()!;

describe('EventList', () => {
  it('shows time, type, id, target, status and latency, and marks the selected row', () => {
    const f = frame(viewOf([ready(), ...delivered(1, 200), ...delivered(2, 503)]));
    expect(f).toMatch(/TIME\s+TYPE\s+EVENT ID\s+TARGET\s+STATUS\s+LATENCY/);
    const lines = f.split('\n');
    const row1 = lines.find((l) => l.includes(evtId(1)))!;
    expect(row1).toContain(clock(T0 + 1));
    expect(row1).toContain('maintenance.task.created');
    expect(row1).toContain(' /webhooks/pro-pitbox ');
    expect(row1).toMatch(/200\s+12 ms/);
    expect(row1.startsWith('  ')).toBe(true);
    expect(lines.find((l) => l.includes(evtId(2)))).toMatch(/^> .*503\s+12 ms/);
  });

  it('marks pending, held and unreachable events and counts attempts', () => {
    const f = frame(viewOf([event(1), event(2), attempt(2), response(2, null, 1, { willRetry: true }), ...delivered(3, null), ...delivered(4, 500), attempt(4, 2, true), response(4, 200, 2)]));
    const line = (n: number) => f.split('\n').find((l) => l.includes(evtId(n)))!;
    expect(line(1)).toMatch(/ \.\.\.\s*$/);
    expect(line(2)).toContain('held');
    expect(line(3)).toContain('ERR');
    expect(line(4)).toContain('200 x2');
  });

  it('renders only the visible window of a long list', () => {
    const events = Array.from({ length: 300 }, (_, i) => delivered(i + 1, 200)).flat();
    const view = viewOf(events, { cols: 100, rows: 24 });
    const f = frame(view);
    const rows = f.split('\n').filter((l) => l.includes('evt_'));
    expect(rows).toHaveLength(listHeight(24));
    expect(f).toContain(evtId(300));
    expect(f).not.toContain(evtId(1) + ' ');
  });

  it('shows the target path, or port and path when routes go to different origins', () => {
    expect(shortTarget('http://127.0.0.1:3000/hooks', [{ url: 'http://127.0.0.1:3000/hooks' }])).toBe('/hooks');
    const routes = [{ url: 'http://127.0.0.1:3000/a' }, { url: 'http://localhost:4000/b' }];
    expect(shortTarget('http://localhost:4000/b', routes)).toBe(':4000/b');
    expect(shortTarget('https://example.test/b', routes)).toBe('example.test/b');
  });

  it('drops the target column at 80 columns but keeps full type names', () => {
    expect(columnsFor(80).target).toBe(0);
    expect(columnsFor(80).type).toBe(26);
    expect(columnsFor(100).target).toBeGreaterThan(10);
    // Narrower than 80: the id is cut before the type becomes unreadable.
    expect(columnsFor(60)).toMatchObject({ type: 18, id: 12, target: 0 });
    const f = frame(viewOf([...delivered(1, 200, 'maintenance.task.completed')], { cols: 80, rows: 24 }));
    expect(f).toContain('maintenance.task.completed');
    expect(f).not.toContain('TARGET');
    for (const l of f.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
  });

  it('says it is waiting, or that nothing matches the filter', () => {
    expect(frame(viewOf([]))).toContain('Waiting for events');
    const filtered = viewOf([...delivered(1, 200)], undefined, { type: 'filter-start' }, { type: 'filter-input', text: 'status:5xx' }, { type: 'filter-apply' });
    expect(frame(filtered)).toContain('No events match the filter');
  });
});
