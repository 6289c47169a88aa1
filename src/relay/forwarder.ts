// POSTs one event to a local receiver: the exact body bytes, fresh signature headers, the user's extra
// headers. One keep-alive undici Agent for the whole session; redirects are not followed; 30 s timeout.
// Never throws: every outcome (an answer or a connection error) comes back as a ForwardOutcome.
import { Agent } from 'undici';
import { signedHeaders } from '../signing/sign.js';

export const RESPONSE_EXCERPT_BYTES = 20 * 1024;

export interface ForwardOutcome {
  status: number | null;
  durationMs: number;
  headers: Record<string, string>;
  body: string;
  error: string | null;
  /** Connection error or timeout: the receiver did not answer; hold the event and try again. */
  retryable: boolean;
  requestHeaders: Record<string, string>;
}

export interface ForwarderOptions {
  secret: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  userAgent?: string;
  now?: () => number;
}

export interface ForwardInput {
  id: string;
  type: string;
  body: string;
  attempt?: number;
}

export class Forwarder {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  secret: string;

  constructor(private readonly opts: ForwarderOptions) {
    this.secret = opts.secret;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });
  }

  /** The headers one attempt will carry (signed now), so renderers can show the request too. */
  sign(ev: ForwardInput): Record<string, string> {
    const now = (this.opts.now ?? Date.now)();
    return {
      ...signedHeaders({ eventId: ev.id, eventType: ev.type, body: ev.body, secret: this.secret, now, attempt: ev.attempt, userAgent: this.opts.userAgent }),
      ...(this.opts.headers ?? {}),
    };
  }

  forward(url: string, ev: ForwardInput, requestHeaders = this.sign(ev)): Promise<ForwardOutcome> {
    const started = performance.now();
    const took = () => Math.round((performance.now() - started) * 10) / 10;
    return new Promise((resolve) => {
      let u: URL;
      try {
        u = new URL(url);
      } catch (err) {
        return resolve({ status: null, durationMs: 0, headers: {}, body: '', error: describeError(err, this.timeoutMs), retryable: false, requestHeaders });
      }
      // The dispatch API, not request(): no response stream or promise plumbing per event (half the CPU).
      let status = 0;
      let headers: Record<string, string> = {};
      const chunks: Buffer[] = [];
      let size = 0;
      this.agent.dispatch(
        { origin: u.origin, path: u.pathname + u.search, method: 'POST', body: ev.body, headers: requestHeaders, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs },
        {
          onRequestStart() {},
          onResponseStart(_c: unknown, statusCode: number, h: Record<string, string | string[] | undefined>) {
            status = statusCode;
            headers = flatHeaders(h);
          },
          onResponseData(_c: unknown, chunk: Buffer) {
            if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
            size += chunk.length;
          },
          onResponseEnd() {
            const text = Buffer.concat(chunks).toString('utf8');
            const body = text.length > RESPONSE_EXCERPT_BYTES ? text.slice(0, RESPONSE_EXCERPT_BYTES) : text;
            resolve({ status, durationMs: took(), headers, body, error: null, retryable: false, requestHeaders });
          },
          onResponseError: (_c: unknown, err: Error) => {
            // An answer that broke off mid-body is still the receiver's answer; no answer at all is retried.
            if (status) resolve({ status, durationMs: took(), headers, body: '', error: describeError(err, this.timeoutMs), retryable: false, requestHeaders });
            else resolve({ status: null, durationMs: took(), headers: {}, body: '', error: describeError(err, this.timeoutMs), retryable: true, requestHeaders });
          },
        } as unknown as Parameters<Agent['dispatch']>[1],
      );
    });
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }

  /** Fail every in-flight request now (a second Ctrl-C). */
  destroy(): void {
    void this.agent.destroy().catch(() => undefined);
  }
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** "connection refused", "timeout after 30000 ms", ... short and human, for the hint line and the ack. */
export function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `timeout after ${timeoutMs} ms`;
    default:
      return (e?.message ?? String(err)).split('\n')[0];
  }
}
