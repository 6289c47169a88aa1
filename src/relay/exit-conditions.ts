// CI primitives: --max-events N, --expect TYPE, --timeout DURATION. Watches ListenEvents and decides,
// truthfully, when the session is done and with which exit code. Replays do not count.
import { matchesPattern } from '../domain/event-types.js';
import type { ListenEvent } from './listen-events.js';

export interface ExitRules {
  maxEvents?: number;
  expect?: string;
  timeoutMs?: number;
}

export interface ExitDecision {
  code: 0 | 1;
  message: string;
}

export class ExitWatcher {
  private readonly types = new Map<string, string>();
  private readonly replays = new Set<string>();
  private finals = 0;
  private failed = 0;
  private timer: NodeJS.Timeout | null = null;
  private decided = false;

  constructor(private readonly rules: ExitRules, private readonly onDone: (d: ExitDecision) => void) {}

  get active(): boolean {
    return this.rules.maxEvents !== undefined || this.rules.expect !== undefined || this.rules.timeoutMs !== undefined;
  }

  start(): void {
    const ms = this.rules.timeoutMs;
    if (ms === undefined) return;
    this.timer = setTimeout(() => {
      const waiting = this.rules.expect ? `a 2xx answer to ${this.rules.expect}` : this.rules.maxEvents !== undefined ? `${this.rules.maxEvents} events` : '';
      if (waiting) this.done(1, `Timed out after ${fmt(ms)} waiting for ${waiting} (forwarded ${this.finals}, ${this.failed} not 2xx)`);
      else this.done(this.failed ? 1 : 0, `Stopped after ${fmt(ms)}: forwarded ${this.finals} events, ${this.failed} not answered 2xx`);
    }, ms);
  }

  observe = (e: ListenEvent): void => {
    if (this.decided) return;
    if (e.kind === 'event') this.types.set(e.id, e.type);
    else if (e.kind === 'attempt' && e.replay) this.replays.add(e.attemptId);
    else if (e.kind === 'response' && !e.willRetry && !this.replays.delete(e.attemptId)) this.onFinal(e.eventId, e.status);
  };

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private onFinal(eventId: string, status: number | null): void {
    const ok = status !== null && status >= 200 && status < 300;
    const type = this.types.get(eventId) ?? '';
    this.types.delete(eventId);
    this.finals++;
    if (!ok) this.failed++;
    if (this.rules.expect && ok && matchesPattern(this.rules.expect, type)) return this.done(0, `Got ${type} [${eventId}] answered ${status}`);
    if (this.rules.maxEvents !== undefined && this.finals >= this.rules.maxEvents) {
      if (this.rules.expect) return this.done(1, `Forwarded ${this.finals} events without a 2xx answer to ${this.rules.expect}`);
      this.done(this.failed ? 1 : 0, `Forwarded ${this.finals} events: ${this.finals - this.failed} answered 2xx, ${this.failed} did not`);
    }
  }

  private done(code: 0 | 1, message: string): void {
    if (this.decided) return;
    this.decided = true;
    this.stop();
    this.onDone({ code, message });
  }
}

function fmt(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms} ms`;
}
