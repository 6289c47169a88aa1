// The SQLite store's claim of due work (what the engine asks after a restart, on a retry's timer, or
// when its queues ran low): a fair share per endpoint, rows this process holds read past, every due row
// claimed exactly once, and the next due time found among pending rows only, whatever the history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { sortableId } from '../../src/server/ids.js';
import { applyAttempt, eventBody } from '../../src/server/store/rows.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import type { AcceptItem, ClaimedDelivery } from '../../src/server/store/store.js';

const LEASE = 30_000;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

function open(): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'propitbox-claim-'));
  const store = SqliteStore.open({ dataDir: dir });
  cleanup.push(async () => (await store.close(), rmSync(dir, { recursive: true, force: true })));
  return store;
}

function items(n: number, type: string): AcceptItem[] {
  return Array.from({ length: n }, () => {
    const e = { id: sortableId('evt'), type, created: new Date().toISOString(), data: {} };
    return { owner: 'default', event: { ...e, body: eventBody(e) }, insert: true, endpoints: 'matching', sessions: false };
  });
}

/** Accept `n` events of `type`; their claims are handed back, so they wait in the database. */
async function pending(store: SqliteStore, n: number, type: string): Promise<ClaimedDelivery[]> {
  const claims = (await store.accept(items(n, type), LEASE)).flatMap((r) => (r instanceof Error ? [] : r.claimed));
  await store.deliveries.release(claims.map((c) => ({ id: c.row.id, token: c.token })));
  return claims;
}

it('gives every endpoint with due work a share of a claim, oldest due first within each', async () => {
  const store = open();
  const busy = store.endpointStore.create({ url: 'http://127.0.0.1:9/busy', events: ['vehicle.created'] });
  const quiet = store.endpointStore.create({ url: 'http://127.0.0.1:9/quiet', events: ['vehicle.updated'] });
  const backlog = await pending(store, 300, 'vehicle.created');
  const later = await pending(store, 5, 'vehicle.updated');
  const claimed = await store.deliveries.claimDue({ now: Date.now(), limit: 100, leaseMs: LEASE });
  // The quiet endpoint's newer rows are not stuck behind the other's backlog.
  expect(claimed.filter((c) => c.row.endpoint_id === quiet.id).map((c) => c.row.id)).toEqual(later.map((c) => c.row.id));
  expect(claimed.filter((c) => c.row.endpoint_id === busy.id).map((c) => c.row.id)).toEqual(backlog.slice(0, 95).map((c) => c.row.id));
  expect(claimed.every((c) => c.body.startsWith('{"id":"evt_'))).toBe(true);
});

it('claims each due row once while earlier claims are held, and none that is not due or excluded', async () => {
  const store = open();
  store.endpointStore.create({ url: 'http://127.0.0.1:9/a', events: ['vehicle.created'] });
  const other = store.endpointStore.create({ url: 'http://127.0.0.1:9/b', events: ['vehicle.updated'] });
  const rows = await pending(store, 700, 'vehicle.created');
  await pending(store, 3, 'vehicle.updated');
  const now = Date.now();
  expect(await store.deliveries.claimDue({ now: 0, limit: 50, leaseMs: LEASE })).toEqual([]);
  const seen: string[] = [];
  for (let i = 0; i < 10; i++) {
    const batch = await store.deliveries.claimDue({ now, limit: 128, leaseMs: LEASE, excludeEndpoints: [other.id] });
    seen.push(...batch.map((c) => c.row.id));
    if (!batch.length) break;
  }
  expect(seen).toEqual(rows.map((c) => c.row.id));
  expect((await store.deliveries.claimDue({ now, limit: 128, leaseMs: LEASE })).map((c) => c.row.endpoint_id)).toEqual([other.id, other.id, other.id]);
});

it('finds the next due time among pending rows, not in the settled history', async () => {
  const store = open();
  store.endpointStore.create({ url: 'http://127.0.0.1:9/a', events: ['vehicle.created'] });
  store.endpointStore.create({ url: 'http://127.0.0.1:9/b', events: ['vehicle.updated'] });
  const done = (await store.accept(items(200, 'vehicle.created'), LEASE)).flatMap((r) => (r instanceof Error ? [] : r.claimed));
  const ok = { started_at: new Date().toISOString(), duration_ms: 1, status_code: 200, error: null, request_headers: {}, response_headers: {}, response_body: 'OK', manual: false };
  await store.deliveries.recordResults(done.map((c) => ({ ...applyAttempt(c.row, ok, 'succeeded', null), token: c.token })));
  expect(await store.deliveries.nextDueAt(Date.now())).toBeNull();
  const [a] = (await store.accept(items(1, 'vehicle.created'), LEASE)).flatMap((r) => (r instanceof Error ? [] : r.claimed));
  const [b] = (await store.accept(items(1, 'vehicle.updated'), LEASE)).flatMap((r) => (r instanceof Error ? [] : r.claimed));
  const t = Date.now();
  const failed = { ...ok, status_code: 500 };
  await store.deliveries.recordResults([
    { ...applyAttempt(a.row, failed, 'failed', t + 9_000), token: a.token },
    { ...applyAttempt(b.row, failed, 'failed', t + 4_000), token: b.token },
  ]);
  expect(await store.deliveries.nextDueAt(t)).toBe(t + 4_000);
  expect(await store.deliveries.nextDueAt(t + 4_000)).toBe(t + 9_000);
  expect((await store.deliveries.claimDue({ now: t + 5_000, limit: 10, leaseMs: LEASE })).map((c) => c.row.id)).toEqual([b.row.id]);
});
