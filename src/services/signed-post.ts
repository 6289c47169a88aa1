// One signed POST of an event straight to a local app, for `trigger --forward-to` and `events replay`:
// the one signer, the outbound module's single-connection send (node:http, so these commands start
// light), and the result shape both commands report (their --json output).
import type { FailureKind } from '../outbound/classify.js';
import { headerPairs } from '../outbound/request.js';
import { sendOnce } from '../outbound/send-once.js';
import type { Signer } from '../signing/signer.js';
import { now as clock } from '../util/io.js';

export interface ForwardResult {
  url: string;
  /** What was sent, signatures included (absent for an ingested request, sent with its own headers). */
  request_headers?: Record<string, string>;
  event_id: string;
  event_type: string;
  /** null when no complete answer came back (see error). */
  status_code: number | null;
  duration_ms: number;
  response_headers: Record<string, string>;
  /** First 2 KB of the answer. */
  response_body: string;
  /** 'connection refused', 'timeout after 30000 ms', … when no complete answer came. */
  error: string | null;
  error_kind: FailureKind | null;
  error_code: string | null;
  /** For errors waiting will not fix (TLS, certificate, not HTTP): what to change. */
  hint: string | null;
}

export interface SignedPost {
  url: string;
  event: { id: string; type: string };
  body: string;
  signer: Signer;
  timeoutMs: number;
  /** X-ProPitbox-Attempt (default 1; a replay sends its delivery's next number). */
  attempt?: number;
}

const EXCERPT_BYTES = 2048;

export async function signedPost(o: SignedPost): Promise<ForwardResult> {
  const signed = o.signer.headers(o.event.id, o.event.type, o.body, o.attempt ?? 1, clock());
  const headers = headerPairs(signed);
  const r = await sendOnce({ method: 'POST', url: o.url, headers, body: o.body, deadlineMs: o.timeoutMs }, { excerptBytes: EXCERPT_BYTES });
  return {
    url: o.url,
    request_headers: signed,
    event_id: o.event.id,
    event_type: o.event.type,
    status_code: r.status,
    duration_ms: Math.round(r.durationMs),
    response_headers: r.headers,
    response_body: r.body,
    error: r.error?.line ?? null,
    error_kind: r.error?.kind ?? null,
    error_code: r.error?.code ?? null,
    hint: r.error?.hint ?? null,
  };
}
