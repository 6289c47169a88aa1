// `trigger --forward-to`: one signed POST straight to a local app, no API involved (CI without a
// server). node:http keeps start-up light (no undici load for a single request); redirects are not
// followed, like real deliveries.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { classifyForwardError } from '../relay/forward-errors.js';

export interface ForwardResult {
  url: string;
  event_id: string;
  event_type: string;
  status_code: number | null;
  duration_ms: number;
  response_headers: Record<string, string>;
  /** First 2 KB of the answer. */
  response_body: string;
  /** 'connection refused', 'timeout after 30000 ms', … when no answer came. */
  error: string | null;
  error_code: string | null;
  /** For errors waiting will not fix (TLS, certificate, not HTTP): what to change. */
  hint: string | null;
}

const EXCERPT = 2048;

function flatten(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function postSigned(
  url: string,
  body: string,
  headers: Record<string, string>,
  meta: { eventId: string; eventType: string; timeoutMs?: number },
): Promise<ForwardResult> {
  const timeoutMs = meta.timeoutMs ?? 30_000;
  const started = performance.now();
  const base = { url, event_id: meta.eventId, event_type: meta.eventType };
  return new Promise((resolve) => {
    const done = (r: Omit<ForwardResult, 'url' | 'event_id' | 'event_type' | 'duration_ms'>) =>
      resolve({ ...base, duration_ms: Math.round(performance.now() - started), ...r });
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: timeoutMs, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < EXCERPT) text += chunk;
        });
        res.on('end', () =>
          done({ status_code: res.statusCode ?? null, response_headers: flatten(res.headers), response_body: text.slice(0, EXCERPT), error: null, error_code: null, hint: null }),
        );
        res.on('error', (e: NodeJS.ErrnoException) => {
          const f = classifyForwardError(e, timeoutMs);
          done({ status_code: res.statusCode ?? null, response_headers: flatten(res.headers), response_body: text, error: f.error, error_code: e.code ?? null, hint: f.hint });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`timeout after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => {
      // Happy eyeballs reports an AggregateError whose first error carries the code.
      const first = (e as { errors?: NodeJS.ErrnoException[] }).errors?.[0];
      const f = classifyForwardError(e.code ? e : (first ?? e), timeoutMs);
      done({ status_code: null, response_headers: {}, response_body: '', error: f.error, error_code: e.code ?? first?.code ?? null, hint: f.hint });
    });
    req.end(body);
  });
}
