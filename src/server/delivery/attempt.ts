// One HTTP attempt: POST the exact body with its signed headers, no redirects, a hard timeout, and
// the answer reduced to what the event log keeps (status, headers, a body excerpt, an error line).
import { request, type Dispatcher } from 'undici';
import type { Attempt } from '../../api/types.js';

export const RESPONSE_EXCERPT_BYTES = 20 * 1024;

export interface AttemptRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Aborted on shutdown: the attempt is dropped (not recorded) and stays pending in the database. */
  stop?: AbortSignal;
}

export type AttemptOutcome = Omit<Attempt, 'number' | 'manual'> & { aborted: boolean };

export async function performAttempt(dispatcher: Dispatcher, req: AttemptRequest): Promise<AttemptOutcome> {
  const startedAt = Date.now();
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new Error(`timeout after ${req.timeoutMs} ms`)), req.timeoutMs);
  const onStop = () => ctrl.abort(new Error('emulator shutting down'));
  req.stop?.addEventListener('abort', onStop, { once: true });
  const base = { started_at: new Date(startedAt).toISOString(), request_headers: req.headers };
  try {
    const res = await request(req.url, { dispatcher, method: 'POST', headers: req.headers, body: req.body, signal: ctrl.signal });
    const response_body = await readExcerpt(res.body);
    const status = res.statusCode;
    const error = status >= 300 && status < 400 ? `redirect not followed (${status})` : null;
    return { ...base, duration_ms: Date.now() - startedAt, status_code: status, error, response_headers: flattenHeaders(res.headers), response_body, aborted: false };
  } catch (err) {
    const stopped = req.stop?.aborted === true;
    const reason = ctrl.signal.aborted ? (ctrl.signal.reason as Error).message : describeError(err);
    return { ...base, duration_ms: Date.now() - startedAt, status_code: null, error: reason, response_headers: {}, response_body: '', aborted: stopped };
  } finally {
    clearTimeout(timer);
    req.stop?.removeEventListener('abort', onStop);
  }
}

/** Keep the first 20 KB; stop reading (and drop the connection) past that. */
async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    chunks.push(buf);
    size += buf.length;
    if (size >= RESPONSE_EXCERPT_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The most specific line an error has: "connect ECONNREFUSED 127.0.0.1:3000", "other side closed"... */
export function describeError(err: unknown): string {
  const e = err as Error & { code?: string; cause?: Error & { code?: string } };
  if (e?.cause?.message && (e.message === 'fetch failed' || !e.code)) return e.cause.message;
  return e?.message || String(err);
}
