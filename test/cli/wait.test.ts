// --wait polling: done when every delivery is final; a deadline ends it with timedOut.
import { describe, expect, it } from 'vitest';
import { waitForFinal } from '../../src/api/wait.js';
import type { Delivery, DeliveryStatus } from '../../src/contract/v1.js';

const d = (id: string, status: DeliveryStatus): Delivery =>
  ({ object: 'delivery', id, event_id: 'evt_1', status } as Delivery);

function fake(sequence: Delivery[][]) {
  let i = 0;
  const calls: unknown[] = [];
  return {
    calls,
    api: {
      list: async (q: unknown) => {
        calls.push(q);
        return { object: 'list' as const, data: sequence[Math.min(i++, sequence.length - 1)], has_more: false };
      },
    } as any,
  };
}

describe('waitForFinal', () => {
  it('polls by event id until every delivery is final', async () => {
    const f = fake([[d('a', 'pending'), d('b', 'pending')], [d('a', 'succeeded'), d('b', 'pending')], [d('a', 'succeeded'), d('b', 'failed')]]);
    const r = await waitForFinal(f.api, ['evt_1'], { timeoutMs: 10_000, intervalMs: 1, expected: 2 });
    expect(r.timedOut).toBe(false);
    expect(r.deliveries.map((x) => x.status)).toEqual(['succeeded', 'failed']);
    expect(f.calls).toHaveLength(3);
    expect(f.calls[0]).toEqual({ event_id: 'evt_1', limit: 100 });
  });

  it('keeps waiting until the expected number of deliveries exists', async () => {
    const f = fake([[d('a', 'succeeded')], [d('a', 'succeeded'), d('b', 'succeeded')]]);
    const r = await waitForFinal(f.api, ['evt_1'], { timeoutMs: 10_000, intervalMs: 1, expected: 2 });
    expect(r.deliveries).toHaveLength(2);
  });

  it('returns timedOut with what is still pending when the deadline passes', async () => {
    let now = 0;
    const f = fake([[d('a', 'pending')]]);
    const api = { list: async (q: unknown) => ((now += 600), f.api.list(q)) };
    const r = await waitForFinal(api as any, ['evt_1'], { timeoutMs: 1_000, intervalMs: 1, now: () => now });
    expect(r).toMatchObject({ timedOut: true, deliveries: [{ id: 'a', status: 'pending' }] });
  });
});
