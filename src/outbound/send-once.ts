// One outbound request on its own connection, for short commands (`trigger --forward-to`, `events
// replay`): node:http keeps start-up light (loading undici costs more than the whole run of such a
// command), node:https is loaded only for an https:// URL, and with no pool nothing keeps the process
// alive once the answer is in. A caller that makes several requests (the API client) may pass a
// keep-alive Agent: node unrefs its idle sockets, so they do not hold the process open either.
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { Exchange, type ExchangeOptions } from './exchange.js';
import { flattenHeaders, hasHeader, parseTarget, RESPONSE_EXCERPT_BYTES, withoutFraming, type OutboundRequest, type OutboundResult, type Target } from './request.js';

const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

class OnceExchange extends Exchange {
  req: ClientRequest | null = null;

  override cut(): void {
    this.req?.destroy();
  }

  onResponse(res: IncomingMessage): void {
    this.head(res.statusCode ?? 0, flattenHeaders(res.headers));
    res.on('data', (chunk: Buffer) => {
      if (!this.data(chunk)) this.req?.destroy();
    });
    res.on('end', () => this.end());
    res.on('error', (err) => this.fail(err));
    // The connection closed before the answer was complete.
    res.on('close', () => {
      if (!res.complete) this.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
  }
}

/**
 * The pairs as node:http sends them. With headers given as pairs node adds neither Host nor
 * Content-Length (it would fall back to chunked), so both are set here from the URL and the body.
 */
function wireHeaders(req: OutboundRequest, t: Target): string[] {
  const pairs = [...withoutFraming(req.headers)];
  if (!hasHeader(pairs, 'host')) pairs.unshift('host', t.host);
  const length = Buffer.byteLength(req.body);
  if (length > 0 || !BODYLESS.has(req.method.toUpperCase())) pairs.push('content-length', String(length));
  return pairs;
}

export interface SendOnceOptions extends ExchangeOptions {
  /** A node:http(s) Agent for the URL's scheme; default: a connection of its own. */
  agent?: Agent;
}

export async function sendOnce(req: OutboundRequest, opts: SendOnceOptions = {}): Promise<OutboundResult> {
  const t = parseTarget(req.url);
  // Loaded on first use: a command that sends nothing does not pay for node:http at start-up.
  const { request } = t instanceof Error || !t.https ? await import('node:http') : await import('node:https');
  return new Promise((resolve) => {
    const x = new OnceExchange(req.deadlineMs, opts.excerptBytes ?? RESPONSE_EXCERPT_BYTES, resolve);
    if (t instanceof Error) return x.fail(t);
    try {
      const r = (x.req = request(req.url, { method: req.method, headers: wireHeaders(req, t), agent: opts.agent ?? false }));
      r.on('response', (res) => x.onResponse(res));
      r.on('error', (err) => x.fail(err));
      r.end(req.body);
    } catch (err) {
      x.fail(err);
    }
  });
}
