// POSTs one event to a local receiver: the exact body bytes, fresh signature headers, the user's extra
// headers. One keep-alive undici Agent for the whole session; redirects are not followed; 30 s timeout.
// Never throws: every outcome (an answer or a connection error) comes back as a ForwardOutcome.
import { Agent, request } from 'undici';
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

  async forward(url: string, ev: ForwardInput, requestHeaders = this.sign(ev)): Promise<ForwardOutcome> {
    const started = performance.now();
    const took = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const res = await request(url, {
        method: 'POST',
        body: ev.body,
        headers: requestHeaders,
        dispatcher: this.agent,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const body = await readExcerpt(res.body);
      return { status: res.statusCode, durationMs: took(), headers: flatHeaders(res.headers), body, error: null, retryable: false, requestHeaders };
    } catch (err) {
      return { status: null, durationMs: took(), headers: {}, body: '', error: describeError(err, this.timeoutMs), retryable: true, requestHeaders };
    }
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

async function readExcerpt(body: { text(): Promise<string> }): Promise<string> {
  // Local receivers answer small bodies; text() is cheaper than iterating chunks (bodyTimeout bounds a stuck stream).
  const text = await body.text();
  return text.length > RESPONSE_EXCERPT_BYTES ? text.slice(0, RESPONSE_EXCERPT_BYTES) : text;
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
