// Pure logic of the dashboard SPA (no browser): hash routes, the SSE parser, Event Logs list updates.
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/contract/v1.js';
import { href, parseHash } from '../../src/dashboard/src/lib/routes.js';
import { createSseParser, reconnectDelay } from '../../src/dashboard/src/lib/sse.js';
import { applyDeliveryUpdate, describeNextRetry, mergePage, outcome } from '../../src/dashboard/src/lib/deliveries.js';
import { queryString } from '../../src/dashboard/src/lib/api.js';
import { fixtureData } from '../../src/dashboard/src/lib/fixtures.js';
import { EVENT_TYPE_NAMES } from '../../src/domain/event-types.js';

function delivery(over: Partial<Delivery>): Delivery {
  return {
    object: 'delivery',
    id: 'dlv_1',
    event_id: 'evt_1',
    event_type: 'vehicle.created',
    endpoint_id: 'we_1',
    session_id: null,
    url: 'http://127.0.0.1:3000/hook',
    status: 'pending',
    attempt_count: 0,
    last_status_code: null,
    last_error: null,
    next_attempt_at: null,
    created: '2026-01-01T00:00:00Z',
    updated: '2026-01-01T00:00:00Z',
    ...over,
  };
}

describe('hash routes', () => {
  it('round-trips every page through href and parseHash', () => {
    expect(parseHash('')).toEqual({ name: 'webhooks' });
    expect(parseHash(href.newWebhook())).toEqual({ name: 'new-webhook' });
    expect(parseHash(href.endpoint('we_abc'))).toEqual({ name: 'endpoint', id: 'we_abc' });
    expect(parseHash(href.test('we_abc'))).toEqual({ name: 'test', endpoint: 'we_abc' });
    const filters = { type: 'vehicle.created', status: 'failed', endpoint: 'we_1' };
    expect(parseHash(href.logs(filters, 'dlv_9'))).toEqual({ name: 'logs', filters, delivery: 'dlv_9' });
    expect(parseHash('#/logs')).toEqual({ name: 'logs', filters: { type: undefined, status: undefined, endpoint: undefined }, delivery: undefined });
  });

  it('drops empty filters from links and reports unknown paths', () => {
    expect(href.logs({ type: '', status: 'failed' })).toBe('#/logs?status=failed');
    expect(parseHash('#/nope/x')).toEqual({ name: 'not-found', path: '/nope/x' });
  });

  it('builds API query strings from defined values only', () => {
    expect(queryString({ endpoint_id: 'we_1', status: undefined, limit: 50, starting_after: '' })).toBe('?endpoint_id=we_1&limit=50');
    expect(queryString({})).toBe('');
  });
});

describe('SSE parser', () => {
  it('assembles messages split across chunks, skips heartbeats, handles CRLF and multi-line data', () => {
    const feed = createSseParser();
    expect(feed('event: delivery.up')).toEqual([]);
    expect(feed('dated\ndata: {"id":')).toEqual([]);
    expect(feed('"dlv_1"}\n\n: ping\n\n')).toEqual([{ event: 'delivery.updated', data: '{"id":"dlv_1"}' }]);
    expect(feed('data: a\r\ndata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('backs off reconnects up to 5 s', () => {
    expect([0, 1, 2, 3, 50].map(reconnectDelay)).toEqual([500, 1000, 2000, 5000, 5000]);
  });
});

describe('Event Logs list updates', () => {
  it('inserts new deliveries newest first and replaces updated ones in place', () => {
    const a = delivery({ id: 'dlv_a', created: '2026-01-01T00:00:01Z' });
    const b = delivery({ id: 'dlv_b', created: '2026-01-01T00:00:02Z' });
    let list = applyDeliveryUpdate([], a, {});
    list = applyDeliveryUpdate(list, b, {});
    expect(list.map((d) => d.id)).toEqual(['dlv_b', 'dlv_a']);
    list = applyDeliveryUpdate(list, { ...a, status: 'succeeded', last_status_code: 200 }, {});
    expect(list.map((d) => [d.id, d.status])).toEqual([
      ['dlv_b', 'pending'],
      ['dlv_a', 'succeeded'],
    ]);
  });

  it('removes a delivery that stops matching the filters and ignores ones that never did', () => {
    const pending = delivery({ status: 'pending' });
    let list = applyDeliveryUpdate([], pending, { status: 'pending' });
    expect(list).toHaveLength(1);
    list = applyDeliveryUpdate(list, { ...pending, status: 'succeeded' }, { status: 'pending' });
    expect(list).toHaveLength(0);
    expect(applyDeliveryUpdate([], delivery({ event_type: 'session.ended' }), { type: 'vehicle.created' })).toEqual([]);
    expect(applyDeliveryUpdate([], delivery({ endpoint_id: 'we_2' }), { endpoint: 'we_1' })).toEqual([]);
  });

  it('ignores an answer older than what the stream already showed (retry response after its result)', () => {
    const succeeded = delivery({ status: 'succeeded', attempt_count: 7, updated: '2026-01-01T00:00:05.020Z' });
    const retryAnswer = delivery({ status: 'pending', attempt_count: 6, updated: '2026-01-01T00:00:05.010Z' });
    expect(applyDeliveryUpdate([succeeded], retryAnswer, {})[0].status).toBe('succeeded');
    expect(applyDeliveryUpdate([succeeded], { ...retryAnswer, updated: succeeded.updated }, {})[0].status).toBe('succeeded');
    expect(applyDeliveryUpdate([retryAnswer], succeeded, {})[0].status).toBe('succeeded');
  });

  it('keeps known attempts when an update carries none, and merges a fresh page without duplicates', () => {
    const withAttempts = delivery({ attempts: [] });
    const list = applyDeliveryUpdate([withAttempts], delivery({ attempt_count: 1 }), {});
    expect(list[0].attempts).toEqual([]);
    expect(mergePage(list, [delivery({ attempt_count: 2 }), delivery({ id: 'dlv_2' })], {}).map((d) => [d.id, d.attempt_count])).toEqual([
      ['dlv_2', 0],
      ['dlv_1', 2],
    ]);
  });

  it('describes the next retry only for pending deliveries', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(describeNextRetry({ status: 'pending', next_attempt_at: '2026-01-01T00:00:30Z' }, now)).toBe('in 30 s');
    expect(describeNextRetry({ status: 'pending', next_attempt_at: '2026-01-01T00:10:00Z' }, now)).toBe('in 10 min');
    expect(describeNextRetry({ status: 'pending', next_attempt_at: '2026-01-01T00:00:00Z' }, now)).toBe('now');
    expect(describeNextRetry({ status: 'failed', next_attempt_at: '2026-01-01T00:00:30Z' }, now)).toBeNull();
    expect(outcome({ last_status_code: null, last_error: 'connect ECONNREFUSED 127.0.0.1:1' })).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(outcome({ last_status_code: 500, last_error: null })).toBe('500');
  });
});

describe('test-event fixtures in the dashboard bundle', () => {
  it('renders the CLI fixture of every event type with fresh ids and no placeholders left', () => {
    for (const type of EVENT_TYPE_NAMES) {
      const a = fixtureData(type);
      expect(a, type).toBeTruthy();
      expect(JSON.stringify(a), type).not.toContain('{{');
      expect(JSON.stringify(fixtureData(type)), `${type} gets new ids per send`).not.toBe(JSON.stringify(a));
    }
    expect(fixtureData('no.such.type')).toBeUndefined();
  });
});
