// Builders for synthetic ListenEvents, so reducer and component tests read like the session's output.
import type { ListenEvent } from '../../../src/relay/listen-events.js';

export const T0 = Date.UTC(2026, 0, 2, 10, 30, 0);
export const TARGET = 'http://127.0.0.1:3000/webhooks/pro-pitbox';

export function ready(over: Partial<Extract<ListenEvent, { kind: 'ready' }>> = {}): ListenEvent {
  return { kind: 'ready', sessionId: 'ls_test', wsUrl: 'ws://127.0.0.1:1/ws', apiUrl: 'http://127.0.0.1:8787', profile: 'local', secret: 'whsec_abcdefghijklmnopqrstuvwxyz012345', targets: [{ pattern: '*', url: TARGET }], events: ['*'], ...over };
}

export function body(id: string, type = 'maintenance.task.created'): string {
  return JSON.stringify({ id, type, created: '2026-01-02T10:30:00Z', data: { task: { id: 'mnt_1', type: 'oil_change' } } });
}

export function event(n: number, type = 'maintenance.task.created'): ListenEvent {
  const id = evtId(n);
  return { kind: 'event', id, seq: n, type, created: '2026-01-02T10:30:00Z', body: body(id, type), receivedAt: T0 + n };
}

export function evtId(n: number): string {
  return `evt_${String(n).padStart(16, '0')}`;
}

export function attempt(n: number, a = 1, replay = false, b?: string): ListenEvent {
  return { kind: 'attempt', eventId: evtId(n), attemptId: `att_${n}_${a}`, url: TARGET, requestHeaders: { 'content-type': 'application/json', 'x-propitbox-signature': 'f00d' }, body: b ?? body(evtId(n)), replay, at: T0 + n + a };
}

export function response(n: number, status: number | null, a = 1, extra: Partial<Extract<ListenEvent, { kind: 'response' }>> = {}): ListenEvent {
  return { kind: 'response', eventId: evtId(n), attemptId: `att_${n}_${a}`, url: TARGET, status, durationMs: 12, headers: { 'x-reply': 'yes' }, body: status === null ? '' : `reply ${status}`, error: status === null ? 'connect ECONNREFUSED 127.0.0.1:3000' : null, willRetry: false, at: T0 + n + a + 12, ...extra };
}

/** event + attempt + response: one delivered event. */
export function delivered(n: number, status: number | null, type?: string): ListenEvent[] {
  return [event(n, type), attempt(n), response(n, status)];
}
