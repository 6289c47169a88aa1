// Outbound requests on a caller's undici dispatcher (keep-alive pool, its own connection limits), for
// the senders that make thousands of requests: the delivery engine and the listen forwarder.
// undici's dispatch API rather than request(): no response stream, AsyncResource or promise chain per
// request (measured as the largest share of the engine's CPU). undici's own headers/body timeouts are
// off: they restart on every chunk, so a trickled answer outlived them; the Exchange's single deadline
// timer governs. Only a type is imported from undici: the caller owns (and loads) the dispatcher.
import type { Dispatcher } from 'undici';
import { Exchange, type ExchangeOptions } from './exchange.js';
import { flattenHeaders, parseTarget, RESPONSE_EXCERPT_BYTES, withoutFraming, type OutboundRequest, type OutboundResult } from './request.js';

type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0];

export interface PooledOptions extends ExchangeOptions {
  /** Asked once a connection is ready, right before the request is written; false = do not send it. */
  beforeSend?: () => boolean;
}

/** The Exchange as undici's handler: one object per request, no closures. */
class PooledExchange extends Exchange implements Dispatcher.DispatchHandler {
  private controller: Controller | null = null;
  beforeSend: (() => boolean) | undefined;

  override cut(): void {
    this.controller?.abort(new Error('outbound request ended early'));
  }

  // Called once a connection is ready for this request; a deadline that passed while connecting aborts it here.
  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.settled || (this.beforeSend !== undefined && !this.beforeSend())) controller.abort(new Error('outbound request ended early'));
  }

  onResponseStart(_c: Controller, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.head(statusCode, flattenHeaders(headers));
  }

  onResponseData(c: Controller, chunk: Buffer): void {
    if (!this.data(chunk)) c.abort(new Error('outbound excerpt full'));
  }

  onResponseEnd(): void {
    this.end();
  }

  onResponseError(_c: Controller, err: Error): void {
    this.fail(err);
  }
}

/** Send on `dispatcher`; `done` is called exactly once, never with a throw. */
export function dispatchOutbound(dispatcher: Dispatcher, req: OutboundRequest, done: (r: OutboundResult) => void, opts: PooledOptions = {}): void {
  const x = new PooledExchange(req.deadlineMs, opts.excerptBytes ?? RESPONSE_EXCERPT_BYTES, done);
  x.beforeSend = opts.beforeSend;
  const t = parseTarget(req.url);
  if (t instanceof Error) return x.fail(t);
  try {
    dispatcher.dispatch(
      { origin: t.origin, path: t.path, method: req.method as Dispatcher.HttpMethod, headers: withoutFraming(req.headers) as string[], body: req.body, headersTimeout: 0, bodyTimeout: 0 },
      x,
    );
  } catch (err) {
    x.fail(err);
  }
}

export function sendPooled(dispatcher: Dispatcher, req: OutboundRequest, opts?: ExchangeOptions): Promise<OutboundResult> {
  return new Promise((resolve) => dispatchOutbound(dispatcher, req, resolve, opts));
}
