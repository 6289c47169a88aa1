// One HTTP attempt: POST the exact body with its signed headers, no redirects, a hard timeout, and
// the answer reduced to what the event log keeps (status, headers, a body excerpt, an error line).
import type { Dispatcher } from 'undici';
import type { Attempt } from '../../contract/v1.js';

export const RESPONSE_EXCERPT_BYTES = 20 * 1024;

export interface AttemptRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export type AttemptOutcome = Omit<Attempt, 'number' | 'manual'>;

/** Past the excerpt we stop reading and drop the connection (a receiver may answer with megabytes). */
class ExcerptFull extends Error {}

// Origin and path per endpoint URL: the same few URLs are parsed on every attempt otherwise.
const targets = new Map<string, { origin: string; path: string }>();

function target(url: string): { origin: string; path: string } {
  let t = targets.get(url);
  if (!t) {
    const u = new URL(url);
    t = { origin: u.origin, path: u.pathname + u.search };
    if (targets.size > 1000) targets.clear();
    targets.set(url, t);
  }
  return t;
}

/**
 * undici's dispatch API rather than request(): no response stream, AsyncResource or promise chain per
 * attempt (the largest share of the engine's CPU). The timeout is undici's own (headers, then body):
 * cheaper than a timer + AbortController per request. On shutdown the engine destroys the agent, which
 * fails whatever is still in flight.
 */
export function performAttempt(dispatcher: Dispatcher, req: AttemptRequest): Promise<AttemptOutcome> {
  const startedAt = Date.now();
  const started_at = new Date(startedAt).toISOString();
  const failed = (err: unknown): AttemptOutcome => ({ started_at, request_headers: req.headers, duration_ms: Date.now() - startedAt, status_code: null, error: describeError(err, req.timeoutMs), response_headers: {}, response_body: '' });
  return new Promise((resolve) => {
    let t: { origin: string; path: string };
    try {
      t = target(req.url);
    } catch (err) {
      return resolve(failed(err));
    }
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const answered = (): AttemptOutcome => {
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const response_body = (size > RESPONSE_EXCERPT_BYTES ? buf.subarray(0, RESPONSE_EXCERPT_BYTES) : buf).toString('utf8');
      const error = status >= 300 && status < 400 ? `redirect not followed (${status})` : null;
      return { started_at, request_headers: req.headers, duration_ms: Date.now() - startedAt, status_code: status, error, response_headers: headers, response_body };
    };
    const handler: Dispatcher.DispatchHandler = {
      // Its presence is how undici tells this (new) handler API from the legacy one.
      onRequestStart() {},
      onResponseStart(_c, statusCode, h) {
        status = statusCode;
        headers = flattenHeaders(h);
      },
      onResponseData(c, chunk) {
        // bodyTimeout is per idle gap; a body trickled past the deadline is a timeout too.
        if (Date.now() - startedAt > req.timeoutMs) return c.abort(Object.assign(new Error('timeout'), { code: 'UND_ERR_BODY_TIMEOUT' }));
        if (size >= RESPONSE_EXCERPT_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= RESPONSE_EXCERPT_BYTES) c.abort(new ExcerptFull());
      },
      onResponseEnd: () => resolve(answered()),
      onResponseError: (_c, err) => resolve(err instanceof ExcerptFull ? answered() : failed(err)),
    };
    try {
      dispatcher.dispatch({ origin: t.origin, path: t.path, method: 'POST', headers: req.headers, body: req.body, headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs }, handler);
    } catch (err) {
      resolve(failed(err));
    }
  });
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The most specific line an error has: "connect ECONNREFUSED 127.0.0.1:3000", "timeout after 30000 ms"... */
export function describeError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { code?: string; cause?: Error & { code?: string } };
  if (e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT' || e?.code === 'UND_ERR_CONNECT_TIMEOUT') return `timeout after ${timeoutMs} ms`;
  if (e?.cause?.message && (e.message === 'fetch failed' || !e.code)) return e.cause.message;
  return e?.message || String(err);
}
