// The life of one outbound request, whatever carries it (undici's dispatcher or node:http): one
// deadline timer for the whole exchange (connect + request + head + body, so a receiver that trickles
// its answer is cut at the deadline, not after each idle gap), a bounded body excerpt, and exactly one
// result. A transport extends it: feeds it what happens, and says how to drop the connection (cut).
import { classifyError, deadlineError, type OutboundError } from './classify.js';
import type { OutboundResult } from './request.js';

export interface ExchangeOptions {
  /** Bytes of the answer kept (default 20 KiB); past it reading stops and the connection is dropped. */
  excerptBytes?: number;
}

function expire(x: Exchange): void {
  x.timer = null;
  try {
    x.settle(deadlineError(x.deadlineMs));
  } finally {
    x.cut();
  }
}

/** Monotonic milliseconds. Not performance.now(): the global `performance` loads perf_hooks, ~1 ms of trigger's start-up. */
const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export class Exchange {
  readonly startedAt = Date.now();
  private readonly t0 = monotonicMs();
  timer: NodeJS.Timeout | null;
  settled = false;
  private status = 0;
  private headers: Record<string, string> = {};
  private first: Buffer | null = null;
  private more: Buffer[] | null = null;
  private size = 0;

  constructor(
    readonly deadlineMs: number,
    private readonly excerptBytes: number,
    private readonly done: (r: OutboundResult) => void,
  ) {
    // A static callback with an argument: no closure per request.
    this.timer = setTimeout(expire, deadlineMs, this);
  }

  /** Drop the connection (the transport overrides this): the result was settled early (deadline). */
  cut(): void {}

  head(status: number, headers: Record<string, string>): void {
    this.status = status;
    this.headers = headers;
  }

  /** Keeps the start of the body; false once the excerpt is full (the caller then stops reading). */
  data(chunk: Buffer): boolean {
    if (this.settled) return false;
    if (!this.first) this.first = chunk;
    else (this.more ??= [this.first]).push(chunk);
    this.size += chunk.length;
    if (this.size < this.excerptBytes) return true;
    this.settle(null);
    return false;
  }

  end(): void {
    this.settle(null);
  }

  fail(err: unknown): void {
    this.settle(classifyError(err, this.deadlineMs));
  }

  /** The one result: a complete answer (error null) or the failure, with whatever head and body came. */
  settle(error: OutboundError | null): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let buf = this.more ? Buffer.concat(this.more) : this.first;
    if (buf && buf.length > this.excerptBytes) buf = buf.subarray(0, this.excerptBytes);
    this.done({
      status: error || !this.status ? null : this.status,
      startedAt: this.startedAt,
      durationMs: Math.round((monotonicMs() - this.t0) * 10) / 10,
      headers: this.headers,
      body: buf ? buf.toString('utf8') : '',
      error,
    });
  }
}
