// POSTs one event to a local receiver through the outbound module: the exact body bytes, fresh
// signature headers, the user's extra headers, one total deadline (30 s by default). One keep-alive
// undici Agent for the whole session; redirects are not followed. Never throws: every outcome (an
// answer or a failure) comes back as a ForwardOutcome. Callback-based on the hot path (send): no
// promise per event, the signing keys prepared once per secret.
// undici's Agent module, not its index: the index loads all of undici (fetch, WebSocket, caches, mocks:
// about 2/3 of its code) and listen only needs the dispatcher.
import Agent from 'undici/lib/dispatcher/agent.js';
import { Signer } from '../signing/signer.js';
import { headerPairs, type OutboundRequest, type OutboundResult } from '../outbound/request.js';
import { dispatchOutbound } from '../outbound/send-pooled.js';
import { forwardHeaders, headerRecord, ingestTargetUrl } from './ingest-forward.js';
import type { IngestItem } from './ingest-item.js';

export interface ForwardOutcome extends OutboundResult {
  requestHeaders: Record<string, string>;
}

export interface ForwarderOptions {
  secret: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  userAgent?: string;
  now?: () => number;
  /** Ingested requests: append the path after the token and the sender's query to the target URL. */
  keepPath?: boolean;
}

export interface ForwardInput {
  id: string;
  type: string;
  body: string;
  attempt?: number;
}

/** No answer, and waiting may bring one (refused, reset, timeout): hold the event and try again. */
export function worthRetrying(out: OutboundResult): boolean {
  return out.status === null && out.error !== null && out.error.retryable;
}

export class Forwarder {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly signer: Signer;
  private readonly now: () => number;

  constructor(private readonly opts: ForwarderOptions) {
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
    const req = { method: 'POST', url, headers: headerPairs(requestHeaders), body, deadlineMs: this.timeoutMs };
    dispatchOutbound(this.agent, req, (r) => {
      // The result is ours alone: add the request headers to it rather than copy it per event.
      (r as ForwardOutcome).requestHeaders = requestHeaders;
      done(r as ForwardOutcome);
    });
  }

  /**
   * An ingested request as it goes to `target`: the sender's method, header pairs (see
   * ingest-forward.ts) and exact bytes, unsigned.
   */
  ingestRequest(target: string, id: string, item: IngestItem): OutboundRequest {
    const url = ingestTargetUrl(target, item.path, item.query, this.opts.keepPath === true);
    let host = '';
    try {
      host = new URL(url).host;
    } catch {
      /* the outbound module reports the bad URL */
    }
    return { method: item.method, url, headers: forwardHeaders(item.headers, host, id, this.opts.headers), body: item.body, deadlineMs: this.timeoutMs };
  }

  /** Send a prepared ingest request; `done` is called exactly once with the outcome. */
  sendIngest(req: OutboundRequest, done: (out: ForwardOutcome) => void): void {
    const requestHeaders = headerRecord(req.headers);
    dispatchOutbound(this.agent, req, (r) => done({ ...r, requestHeaders }));
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }

  /** Fail every in-flight request now (a second Ctrl-C). */
  destroy(): void {
    void this.agent.destroy().catch(() => undefined);
  }
}
