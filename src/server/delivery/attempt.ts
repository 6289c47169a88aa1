// One delivery attempt: the signed POST through the outbound module (exact body, no redirects, one
// total deadline) on the engine's pool, and the result reduced to what the event log keeps. The
// engine's rules on top: a 3xx is a failed attempt, and the log records the system's own error line
// ("connect ECONNREFUSED 127.0.0.1:3000", "timeout after 30000 ms").
// A callback, not a promise: this runs for every delivery, and a promise and its continuations per
// attempt were a visible share of the engine's own CPU.
import type { Dispatcher } from 'undici';
import type { Attempt } from '../../contract/v1.js';
import { redirectFailure } from '../../outbound/classify.js';
import { headerPairs, type OutboundResult } from '../../outbound/request.js';
import { dispatchOutbound } from '../../outbound/send-pooled.js';

export interface AttemptRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** A hand retry's attempt (recorded as such). */
  manual: boolean;
  /** Asked on a connected socket right before the request is written (after DNS and connect); false = not sent. */
  beforeSend?: () => boolean;
}

export type AttemptOutcome = Omit<Attempt, 'number'>;

/** `done` is called exactly once, never with a throw. On shutdown the engine destroys its agent, which fails whatever is still in flight. */
export function startAttempt(dispatcher: Dispatcher, req: AttemptRequest, done: (a: AttemptOutcome) => void): void {
  dispatchOutbound(dispatcher, { method: 'POST', url: req.url, headers: headerPairs(req.headers), body: req.body, deadlineMs: req.timeoutMs }, (r) => done(toAttempt(r, req)), {
    beforeSend: req.beforeSend,
  });
}

function toAttempt(r: OutboundResult, req: AttemptRequest): AttemptOutcome {
  const error = r.error ?? redirectFailure(r.status);
  return {
    started_at: new Date(r.startedAt).toISOString(),
    request_headers: req.headers,
    duration_ms: Math.round(r.durationMs),
    status_code: r.status,
    error: error ? error.detail : null,
    response_headers: r.headers,
    response_body: r.body,
    manual: req.manual,
  };
}
