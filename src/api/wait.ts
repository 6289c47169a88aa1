// `--wait`: poll GET /v1/deliveries?event_id= until every delivery of the given events is final
// (succeeded or failed) or the deadline passes. Timers go through globals so fake timers work.
import type { Delivery } from '../contract/v1.js';
import type { deliveries as deliveriesResource } from './resources.js';

export interface WaitResult {
  deliveries: Delivery[];
  timedOut: boolean;
}

export function isFinal(d: Delivery): boolean {
  return d.status === 'succeeded' || d.status === 'failed';
}

export async function waitForFinal(
  api: ReturnType<typeof deliveriesResource>,
  eventIds: string[],
  /** `counts`: deliveries that must be final (default all; `trigger --wait` leaves out sessions with no client). */
  opts: { timeoutMs: number; intervalMs?: number; expected?: number; now?: () => number; counts?: (d: Delivery) => boolean },
): Promise<WaitResult> {
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  let interval = opts.intervalMs ?? 100;
  for (;;) {
    const lists = await Promise.all(eventIds.map((id) => api.list({ event_id: id, limit: 100 })));
    const all = lists.flatMap((l) => l.data);
    const enough = opts.expected === undefined || all.length >= opts.expected;
    if (enough && all.filter(opts.counts ?? (() => true)).every(isFinal)) return { deliveries: all, timedOut: false };
    if (now() >= deadline) return { deliveries: all, timedOut: true };
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, deadline - now()))));
    interval = Math.min(interval * 1.5, 1_000);
  }
}
