// POSTs one event to a local receiver: the exact body bytes, fresh signature headers, the user's extra
// headers. One keep-alive undici Agent for the whole session; redirects are not followed; 30 s timeout.
// Never throws: every outcome (an answer or a connection error) comes back as a ForwardOutcome.
// The hot path (send) is callback-based on undici's dispatch API: no response stream, no promise per
// event, the target URL parsed once per distinct URL, the signing keys prepared once per secret.
import { Agent } from 'undici';
import { classifyForwardError } from './forward-errors.js';
import { Signer } from '../signing/signer.js';

export const RESPONSE_EXCERPT_BYTES = 20 * 1024;

export interface ForwardOutcome {
  status: number | null;
  durationMs: number;
  headers: Record<string, string>;
  body: string;
  error: string | null;
  /** Connection error or timeout: the receiver did not answer; hold the event and try again. */
  retryable: boolean;
  /** For final errors that waiting will not fix (TLS, certificate, not HTTP): what to change. */
  hint?: string | null;
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

type Target = { origin: string; path: string } | { error: string };

export class Forwarder {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly signer: Signer;
  private readonly now: () => number;
  private readonly targets = new Map<string, Target>();

  constructor(opts: ForwarderOptions) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.signer = new Signer(opts.secret, opts.userAgent, opts.headers);
    this.now = opts.now ?? Date.now;
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });
  }

  get secret(): string {
    return this.signer.secret;
  }

  set secret(secret: string) {
    this.signer.secret = secret;
  }

  /** The headers one attempt will carry (signed now), so renderers can show the request too. */
  sign(ev: ForwardInput): Record<string, string> {
    return this.signer.headers(ev.id, ev.type, ev.body, ev.attempt ?? 1, this.now());
  }

  forward(url: string, ev: ForwardInput, requestHeaders = this.sign(ev)): Promise<ForwardOutcome> {
    return new Promise((resolve) => this.send(url, ev.body, requestHeaders, resolve));
  }

  /** POST `body` with `requestHeaders` to `url`; `done` is called exactly once with the outcome. */
  send(url: string, body: string, requestHeaders: Record<string, string>, done: (out: ForwardOutcome) => void): void {
    const target = this.target(url);
    if ('error' in target) return done({ status: null, durationMs: 0, headers: {}, body: '', error: target.error, retryable: false, requestHeaders });
    const started = performance.now();
    const took = () => Math.round((performance.now() - started) * 10) / 10;
    const timeoutMs = this.timeoutMs;
    // Exactly once, even if a callback of ours throws inside undici and it reports that as an error too.
    let settled = false;
    const finish = (out: ForwardOutcome) => {
      if (settled) return;
      settled = true;
      done(out);
    };
    let status = 0;
    let headers: Record<string, string> = {};
    let first: Buffer | null = null;
    let more: Buffer[] | null = null;
    let size = 0;
    this.agent.dispatch(
      { origin: target.origin, path: target.path, method: 'POST', body, headers: requestHeaders, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
      {
        onRequestStart() {},
        onResponseStart(_c: unknown, statusCode: number, h: Record<string, string | string[] | undefined>) {
          status = statusCode;
          headers = flatHeaders(h);
        },
        onResponseData(_c: unknown, chunk: Buffer) {
          if (size < RESPONSE_EXCERPT_BYTES) {
            if (!first) first = chunk;
            else (more ??= [first]).push(chunk);
          }
          size += chunk.length;
        },
        onResponseEnd() {
          const buf: Buffer | null = more ? Buffer.concat(more) : first;
          const text = buf ? buf.toString('utf8') : '';
          const excerpt = text.length > RESPONSE_EXCERPT_BYTES ? text.slice(0, RESPONSE_EXCERPT_BYTES) : text;
          finish({ status, durationMs: took(), headers, body: excerpt, error: null, retryable: false, requestHeaders });
        },
        onResponseError(_c: unknown, err: Error) {
          const f = classifyForwardError(err, timeoutMs);
          // An answer that broke off mid-body is still the receiver's answer; no answer at all is retried
          // unless waiting cannot help (TLS, certificate, not HTTP).
          if (status) finish({ status, durationMs: took(), headers, body: '', error: f.error, retryable: false, requestHeaders });
          else finish({ status: null, durationMs: took(), headers: {}, body: '', error: f.error, retryable: f.retryable, hint: f.hint, requestHeaders });
        },
      } as unknown as Parameters<Agent['dispatch']>[1],
    );
  }

  private target(url: string): Target {
    let t = this.targets.get(url);
    if (!t) {
      try {
        const u = new URL(url);
        t = { origin: u.origin, path: u.pathname + u.search };
      } catch (err) {
        t = { error: (err as Error).message.split('\n')[0] };
      }
      this.targets.set(url, t);
    }
    return t;
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
  for (const k in h) {
    const v = h[k];
    if (v !== undefined) out[k] = typeof v === 'string' ? v : v.join(', ');
  }
  return out;
}

