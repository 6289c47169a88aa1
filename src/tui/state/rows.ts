// How one ListenEvent changes one event row. Pure; rows are immutable (the reducer copies the map once
// per batch and replaces the rows that changed).
import type { ListenEvent } from '../../relay/listen-events.js';
import { MAX_ATTEMPTS, MAX_BODY_CHARS, MAX_RESPONSE_CHARS, type AttemptView, type Counts, type EventRow, type Outcome } from './types.js';

type Of<K extends ListenEvent['kind']> = Extract<ListenEvent, { kind: K }>;

export function emptyCounts(): Counts {
  return { received: 0, ok: 0, failed: 0, pending: 0 };
}

/** The event's outcome is its latest attempt's: no answer yet = pending, held for retry = held. */
export function outcomeOf(attempts: AttemptView[]): Outcome {
  const last = attempts[attempts.length - 1];
  if (!last || !last.response) return 'pending';
  const r = last.response;
  if (r.willRetry) return 'held';
  return r.status !== null && r.status >= 200 && r.status < 300 ? 'ok' : 'failed';
}

export function countRow(c: Counts, row: EventRow): void {
  if (row.fromHistory) return;
  c.received++;
  if (row.outcome === 'ok') c.ok++;
  else if (row.outcome === 'failed') c.failed++;
  else c.pending++;
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

export function rowFromEvent(e: Of<'event'>, prev: EventRow | undefined): EventRow {
  return {
    id: e.id,
    seq: e.seq,
    type: e.type,
    created: e.created,
    body: clip(e.body, MAX_BODY_CHARS),
    bodyTruncated: e.body.length > MAX_BODY_CHARS,
    receivedAt: prev && !prev.fromHistory ? prev.receivedAt : e.receivedAt,
    // A redelivery of the same id (at-least-once) keeps the attempts already seen.
    attempts: prev?.attempts ?? [],
    attemptCount: prev?.attemptCount ?? 0,
    outcome: prev ? prev.outcome : 'pending',
    fromHistory: false,
    ...(e.ingest ? { ingest: e.ingest } : {}),
  };
}

/** A placeholder for an attempt on an event we do not hold (evicted, or replayed from history). */
export function stubRow(eventId: string, at: number): EventRow {
  return { id: eventId, seq: null, type: '(from history)', created: '', body: '', bodyTruncated: false, receivedAt: at, attempts: [], attemptCount: 0, outcome: 'pending', fromHistory: true };
}

export function withAttempt(row: EventRow, e: Of<'attempt'>): EventRow {
  const i = row.attempts.findIndex((a) => a.attemptId === e.attemptId);
  const attempt: AttemptView = {
    attemptId: e.attemptId,
    number: i >= 0 ? row.attempts[i].number : row.attemptCount + 1,
    url: e.url,
    requestHeaders: e.requestHeaders,
    body: e.body === row.body ? null : clip(e.body, MAX_BODY_CHARS),
    replay: e.replay,
    at: e.at,
    response: null,
    ...(e.method && e.method !== 'POST' ? { method: e.method } : {}),
  };
  const attempts = i >= 0 ? row.attempts.map((a, j) => (j === i ? { ...attempt, response: a.response } : a)) : [...row.attempts, attempt].slice(-MAX_ATTEMPTS);
  return { ...row, attempts, attemptCount: i >= 0 ? row.attemptCount : row.attemptCount + 1, outcome: outcomeOf(attempts) };
}

export function withResponse(row: EventRow, e: Of<'response'>): EventRow {
  const response = { status: e.status, durationMs: e.durationMs, headers: e.headers, body: clip(e.body, MAX_RESPONSE_CHARS), error: e.error, willRetry: e.willRetry, at: e.at };
  let attempts = row.attempts;
  let attemptCount = row.attemptCount;
  const i = attempts.findIndex((a) => a.attemptId === e.attemptId);
  if (i >= 0) attempts = attempts.map((a, j) => (j === i ? { ...a, response } : a));
  // A response whose attempt we never saw (session emitted it before we subscribed, or it was trimmed).
  else attempts = [...attempts, { attemptId: e.attemptId, number: ++attemptCount, url: e.url, requestHeaders: {}, body: null, replay: false, at: e.at, response }].slice(-MAX_ATTEMPTS);
  return { ...row, attempts, attemptCount, outcome: outcomeOf(attempts) };
}
