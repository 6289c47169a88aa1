import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { Header, connectionLabel } from '../../src/tui/components/header.js';
import { renderTui } from './helpers/render-tui.js';
import { delivered, event, ready, T0 } from './helpers/events.js';
import { viewOf } from './helpers/view.js';

afterEach(() => cleanup());

describe('Header', () => {
  it('shows the API URL, profile, target, connection, masked secret and counters', () => {
    const view = viewOf([ready(), ...delivered(1, 200), ...delivered(2, 500), event(3)]);
    const f = renderTui(<Header view={view} />).lastFrame()!;
    expect(f).toContain('emulator http://127.0.0.1:8787');
    expect(f).toContain('profile local');
    expect(f).toContain('● ready ls_test');
    expect(f).toContain('→ 127.0.0.1:3000/webhooks/pro-pitbox');
    expect(f).toContain('whsec_ab…2345');
    expect(f).not.toContain('whsec_abcdefghijklmnopqrstuvwxyz012345');
    expect(f).toMatch(/received 3\s+2xx 1\s+failed 1\s+pending 1/);
  });

  it('reveals the secret when asked', () => {
    const view = viewOf([ready()], undefined, { type: 'toggle-secret' });
    expect(renderTui(<Header view={view} />).lastFrame()).toContain('whsec_abcdefghijklmnopqrstuvwxyz012345');
  });

  it('a revealed secret is never cut off by long routes (it is there to be copied)', () => {
    const view = viewOf(
      [ready({ targets: [{ pattern: 'maintenance.task.*', url: 'http://localhost:4000/tasks' }, { pattern: '*', url: 'http://localhost:3000/webhooks/pro-pitbox' }] })],
      { cols: 100, rows: 24 },
      { type: 'toggle-secret' },
    );
    expect(renderTui(<Header view={view} />).lastFrame()).toContain('secret whsec_abcdefghijklmnopqrstuvwxyz012345 (s hide)');
  });

  it('shows PAUSED, routes and a receiver that is down', () => {
    const view = viewOf([
      ready({ targets: [{ pattern: 'vehicle.*', url: 'http://localhost:4000/v' }, { pattern: '*', url: 'http://localhost:3000/all' }] }),
      { kind: 'paused', paused: true, at: T0 },
      { kind: 'receiver', url: 'http://localhost:3000/all', up: false, error: 'connection refused', held: 2, at: T0 },
    ], { cols: 160, rows: 24 });
    const f = renderTui(<Header view={view} />).lastFrame()!;
    expect(f).toContain('PAUSED');
    expect(f).toContain('vehicle.*=localhost:4000/v  localhost:3000/all');
    expect(f).toContain('receiver localhost:3000/all down: connection refused (2 held)');
    const single = viewOf([ready(), { kind: 'receiver', url: 'http://127.0.0.1:3000/webhooks/pro-pitbox', up: false, error: 'connection refused', held: 1, at: T0 }]);
    expect(renderTui(<Header view={single} />).lastFrame()).toContain('receiver down: connection refused (1 held)');
  });

  it('counts down to the next reconnect attempt', () => {
    const view = viewOf([{ kind: 'connection', connection: { state: 'reconnecting', attempt: 3, inMs: 5000, reason: 'socket closed' }, at: T0 }]);
    expect(connectionLabel({ ...view, now: T0 + 1200 }).text).toBe('↻ reconnecting in 4s (attempt 3: socket closed)');
    expect(connectionLabel({ ...view, now: T0 + 9000 }).text).toContain('in 0s');
    expect(renderTui(<Header view={{ ...view, now: T0 }} />).lastFrame()).toContain('reconnecting in 5s');
  });

  it('never says ready while still connecting', () => {
    const view = viewOf([{ kind: 'connection', connection: { state: 'connecting', attempt: 2 }, at: T0 }]);
    const f = renderTui(<Header view={view} />).lastFrame()!;
    expect(f).toContain('connecting (attempt 2)');
    expect(f).not.toContain('ready');
  });

  it('fits 80 columns', () => {
    const view = viewOf([ready(), ...delivered(1, 200)], { cols: 80, rows: 24 });
    for (const line of renderTui(<Header view={view} />).lastFrame()!.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});
