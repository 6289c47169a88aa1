import { describe, expect, it } from 'vitest';
import { nextDelay, receiverRetryDelay, DEFAULT_RECONNECT } from '../../src/relay/reconnect-policy.js';
import { buildTargets, effectiveFilter, parseEventFilter, parseHeaders, pickTarget, RouteError } from '../../src/relay/routes.js';
import { upsertEnvLine } from '../../src/relay/env-file.js';
import { ExitWatcher, type ExitDecision } from '../../src/relay/exit-conditions.js';
import type { ListenEvent } from '../../src/relay/listen-events.js';
import { setBounded } from '../../src/util/bounded-map.js';
import { EventLookup } from '../../src/relay/event-lookup.js';
import { History } from '../../src/relay/history.js';

describe('reconnect policy', () => {
  it('grows exponentially with full jitter up to the cap', () => {
    expect(nextDelay({ attempt: 0, elapsedMs: 0, random: 0.999 })).toBe(249);
    expect(nextDelay({ attempt: 3, elapsedMs: 0, random: 0.5 })).toBe(1000);
    expect(nextDelay({ attempt: 30, elapsedMs: 0, random: 0.999 })).toBe(Math.floor(0.999 * DEFAULT_RECONNECT.capMs));
  });
  it('never returns less than 50 ms so a flapping server is not hammered', () => {
    expect(nextDelay({ attempt: 5, elapsedMs: 0, random: 0 })).toBe(50);
  });
  it('gives up (null) only past maxElapsedMs', () => {
    const p = { ...DEFAULT_RECONNECT, maxElapsedMs: 1000 };
    expect(nextDelay({ attempt: 1, elapsedMs: 999, random: 0.5 }, p)).not.toBeNull();
    expect(nextDelay({ attempt: 1, elapsedMs: 1001, random: 0.5 }, p)).toBeNull();
    expect(nextDelay({ attempt: 1, elapsedMs: 1e12, random: 0.5 })).not.toBeNull();
  });
  it('retries a down receiver with doubling capped at 2 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => receiverRetryDelay(a))).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  });
});

describe('routes and filters', () => {
  const targets = buildTargets(['maintenance.task.*=http://localhost:1/tasks', 'vehicle.created=http://localhost:1/v'], 'http://localhost:1/all');
  it('first matching route wins, --forward-to is the fallback', () => {
    expect(pickTarget(targets, 'maintenance.task.completed')).toBe('http://localhost:1/tasks');
    expect(pickTarget(targets, 'vehicle.created')).toBe('http://localhost:1/v');
    expect(pickTarget(targets, 'session.ended')).toBe('http://localhost:1/all');
    expect(pickTarget(targets.slice(0, 2), 'session.ended')).toBeNull();
  });
  it('rejects bad routes, URLs and types with did-you-mean', () => {
    expect(() => buildTargets(['nope'], undefined)).toThrow(RouteError);
    expect(() => buildTargets(['vehicle.*=ftp://x'], undefined)).toThrow(/http/);
    expect(() => parseEventFilter('vehicle.craeted')).toThrow(/Did you mean 'vehicle.created'/);
    expect(() => buildTargets([], 'not a url')).toThrow(/--forward-to/);
  });
  it('receives only routed types without --forward-to', () => {
    expect(effectiveFilter([], targets.slice(0, 2))).toEqual(['maintenance.task.*', 'vehicle.created']);
    expect(effectiveFilter([], targets)).toEqual(['*']);
    expect(effectiveFilter(['session.ended'], targets)).toEqual(['session.ended']);
  });
  it('parses --headers', () => {
    expect(parseHeaders(['X-Test: a:b', 'x-two=2'])).toEqual({ 'x-test': 'a:b', 'x-two': '2' });
    expect(() => parseHeaders(['bad'])).toThrow(RouteError);
  });
});

describe('--write-env', () => {
  it('replaces the secret line and keeps the others', () => {
    expect(upsertEnvLine('A=1\nPROPITBOX_WEBHOOK_SECRET=old\nB=2\n', 'PROPITBOX_WEBHOOK_SECRET', 'new')).toBe('A=1\nPROPITBOX_WEBHOOK_SECRET=new\nB=2\n');
    expect(upsertEnvLine('export PROPITBOX_WEBHOOK_SECRET=old', 'PROPITBOX_WEBHOOK_SECRET', 'n')).toBe('export PROPITBOX_WEBHOOK_SECRET=n\n');
    expect(upsertEnvLine('A=1', 'PROPITBOX_WEBHOOK_SECRET', 'n')).toBe('A=1\nPROPITBOX_WEBHOOK_SECRET=n\n');
    expect(upsertEnvLine('', 'PROPITBOX_WEBHOOK_SECRET', 'n')).toBe('PROPITBOX_WEBHOOK_SECRET=n\n');
  });
});

describe('exit rules', () => {
  const ev = (id: string, type: string): ListenEvent => ({ kind: 'event', id, seq: 1, type, created: '', body: '{}', receivedAt: 0 });
  const res = (id: string, status: number | null, attemptId = 'a' + id): ListenEvent => ({ kind: 'response', eventId: id, attemptId, url: 'u', status, durationMs: 1, headers: {}, body: '', error: null, willRetry: false, at: 0 });
  const run = (rules: ConstructorParameters<typeof ExitWatcher>[0], events: ListenEvent[]) => {
    let d: ExitDecision | null = null;
    const w = new ExitWatcher(rules, (x) => (d = x));
    events.forEach(w.observe);
    return d as ExitDecision | null;
  };
  it('--expect exits 0 on a 2xx answer to that type only', () => {
    expect(run({ expect: 'vehicle.created' }, [ev('1', 'vehicle.created'), res('1', 500)])).toBeNull();
    expect(run({ expect: 'vehicle.created' }, [ev('1', 'session.ended'), res('1', 200), ev('2', 'vehicle.created'), res('2', 204)])?.code).toBe(0);
  });
  it('--max-events exits 1 when one was not 2xx, 0 when all were', () => {
    expect(run({ maxEvents: 2 }, [ev('1', 'x'), res('1', 200), ev('2', 'x'), res('2', 200)])?.code).toBe(0);
    expect(run({ maxEvents: 2 }, [ev('1', 'x'), res('1', 404), ev('2', 'x'), res('2', 200)])?.code).toBe(1);
    expect(run({ maxEvents: 2 }, [ev('1', 'x'), res('1', 200)])).toBeNull();
  });
  it('replays and held retries do not count', () => {
    const replay: ListenEvent = { kind: 'attempt', eventId: '1', attemptId: 'r1', url: 'u', requestHeaders: {}, body: '', replay: true, at: 0 };
    const held: ListenEvent = { ...(res('1', null) as Extract<ListenEvent, { kind: 'response' }>), willRetry: true };
    expect(run({ maxEvents: 1 }, [replay, res('1', 200, 'r1'), held])).toBeNull();
  });
});

describe('isoAt (history timestamps)', () => {
  it('matches Date#toISOString across milliseconds, seconds and days', async () => {
    const { isoAt } = await import('../../src/relay/iso-now.js');
    for (const ms of [0, 7, 42, 999, 1000, 1_764_345_599_999, 1_764_345_600_000, 1_764_345_600_001, 1_764_345_600_010, 1_764_345_600_100]) {
      expect(isoAt(ms)).toBe(new Date(ms).toISOString());
    }
  });
});

describe('bounded maps (recent events, acks, failures)', () => {
  it('keeps the newest entries, at most a chunk over the limit, oldest dropped first', () => {
    const m = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      setBounded(m, i, i, 1000);
      expect(m.size).toBeLessThanOrEqual(1000 + 125);
    }
    expect(m.size).toBeGreaterThanOrEqual(1000);
    const keys = [...m.keys()];
    expect(keys[keys.length - 1]).toBe(9999);
    expect(keys).toEqual(keys.map((_, i) => 10_000 - keys.length + i)); // a contiguous newest range
  });
  it('moves a key set again to the newest end', () => {
    const m = new Map([['a', 1], ['b', 2]]);
    setBounded(m, 'a', 3, 10);
    expect([...m]).toEqual([['b', 2], ['a', 3]]);
  });
  it('stays fast as the map turns over (no walk over the holes of earlier deletes)', () => {
    const m = new Map<string, number>();
    const t0 = performance.now();
    for (let i = 0; i < 200_000; i++) setBounded(m, `evt_${i}`, i, 50_000);
    // One eviction per insert through keys().next() took ~24 µs per insert at this size (~5 s here).
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});

describe('replay all failed', () => {
  it('lists the events whose latest outcome failed, and forgets one that later succeeded', () => {
    const lookup = new EventLookup(new History('/nonexistent/h.ndjson'), null);
    lookup.outcome('evt_ok', 200);
    lookup.outcome('evt_500', 500);
    lookup.outcome('evt_err', null);
    lookup.outcome('evt_redirect', 302);
    lookup.outcome('evt_fixed', 503);
    lookup.outcome('evt_fixed', 204);
    expect(lookup.failedIds()).toEqual(['evt_500', 'evt_err', 'evt_redirect']);
  });
});
