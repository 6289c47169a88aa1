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
}

export type AttemptOutcome = Omit<Attempt, 'number' | 'manual'>;

/**
 * The timeout is undici's own (headers, then body): cheaper than a timer + AbortController per
 * request. On shutdown the engine destroys the agent, which fails whatever is still in flight.
 */
export async function performAttempt(dispatcher: Dispatcher, req: AttemptRequest): Promise<AttemptOutcome> {
  const startedAt = Date.now();
  const base = { started_at: new Date(startedAt).toISOString(), request_headers: req.headers };
  const deadline = startedAt + req.timeoutMs;
  try {
    const res = await request(req.url, { dispatcher, method: 'POST', headers: req.headers, body: req.body, headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs });
    const response_body = await readExcerpt(res, deadline, req.timeoutMs);
    const status = res.statusCode;
    const error = status >= 300 && status < 400 ? `redirect not followed (${status})` : null;
    return { ...base, duration_ms: Date.now() - startedAt, status_code: status, error, response_headers: flattenHeaders(res.headers), response_body };
  } catch (err) {
    return { ...base, duration_ms: Date.now() - startedAt, status_code: null, error: describeError(err, req.timeoutMs), response_headers: {}, response_body: '' };
  }
}

/** Keep the first 20 KB; stop reading (and drop the connection) past that or past the deadline. */
async function readExcerpt(res: Dispatcher.ResponseData, deadline: number, timeoutMs: number): Promise<string> {
  const length = Number(res.headers['content-length']);
  if (length <= RESPONSE_EXCERPT_BYTES) return res.body.text();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    chunks.push(buf);
    size += buf.length;
    if (size >= RESPONSE_EXCERPT_BYTES) break;
    if (Date.now() > deadline) throw new Error(`timeout after ${timeoutMs} ms`);
  }
  res.body.destroy();
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
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
