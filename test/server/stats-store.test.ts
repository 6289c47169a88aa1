// The stats store on a real SQLite database: outcomes written with each attempt, exact counts and
// percentiles per bucket, filters, and the migration that classifies attempts written before it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorBus } from '../../src/server/bus.js';
import { closeDatabase, migrate, openDatabase, type Db } from '../../src/server/db/open.js';
import { MIGRATIONS } from '../../src/server/db/schema.js';
import { applyAttempt, DeliveryStore } from '../../src/server/store/deliveries.js';
import { POSTGRES_STATS, StatsStore, countsFromRows, statsQuery, type StatsRow } from '../../src/server/store/stats.js';
import { openStore } from '../../src/server/store/open-store.js';
import { freshSchema, pgAvailable } from '../helpers/pg.js';
import { planStats } from '../../src/server/stats-plan.js';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await closeDatabase(db);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'propitbox-stats-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  dbs.push(db);
  return db;
}

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const MIN = 60_000;

function attempt(at: number, status: number | null, duration = 10) {
  return { started_at: new Date(at).toISOString(), duration_ms: duration, status_code: status, error: status === null ? 'connect ECONNREFUSED' : null, request_headers: {}, response_headers: {}, response_body: '', manual: false };
}

describe('stats store', () => {
  it('counts delivered, retried and failed attempts per bucket, empty buckets included', () => {
    const db = open();
    const deliveries = new DeliveryStore(db, new EmulatorBus());
    const stats = new StatsStore(db);
    const ev = { id: 'evt_1', type: 'vehicle.created' };
    // Delivery 1: 500 then (retry) 200. Delivery 2: no answer, retry scheduled (still pending).
    // Delivery 3: 500, 500 and no retries left, then a hand retry that fails again.
    let d1 = deliveries.createForEndpoint(ev, { id: 'we_a', url: 'http://x' });
    let r = applyAttempt(d1, attempt(T0 + 1000, 500), 'failed', T0 + 5000);
    deliveries.recordResults([r]);
    d1 = r.row;
    deliveries.recordResults([applyAttempt(d1, attempt(T0 + MIN + 1000, 200), 'succeeded', null)]);
    const d2 = deliveries.createForEndpoint(ev, { id: 'we_a', url: 'http://x' });
    deliveries.recordResults([applyAttempt(d2, attempt(T0 + 2000, null), 'failed', T0 + 9000)]);
    let d3 = deliveries.createForEndpoint({ id: 'evt_2', type: 'parts.inventory.low' }, { id: 'we_b', url: 'http://y' });
    r = applyAttempt(d3, attempt(T0 + 3000, 500), 'failed', T0 + 4000);
    deliveries.recordResults([r]);
    r = applyAttempt(r.row, attempt(T0 + 4000, 500), 'failed', null);
    deliveries.recordResults([r]);
    d3 = deliveries.markManualRetry(d3.id, T0 + 2 * MIN);
    deliveries.recordResults([applyAttempt(d3, { ...attempt(T0 + 2 * MIN + 5, 503), manual: true }, 'failed', null)]);

    const range = { from: T0, bucketMs: MIN, buckets: 4 };
    const b = stats.buckets(range);
    expect(b.map((x) => [x.attempts, x.delivered, x.retried, x.failed])).toEqual([
      [4, 0, 3, 1],
      [1, 1, 0, 0],
      [1, 0, 0, 1],
      [0, 0, 0, 0],
    ]);
    expect(b[3]).toMatchObject({ p50_ms: null, p95_ms: null, max_ms: null });
    expect(stats.total(range)).toMatchObject({ attempts: 6, delivered: 1, retried: 3, failed: 2 });
    expect(stats.total(range, { endpoint_id: 'we_b' })).toMatchObject({ attempts: 3, delivered: 0, retried: 1, failed: 2 });
    expect(stats.total(range, { event_type: 'vehicle.created' })).toMatchObject({ attempts: 3, delivered: 1, retried: 2, failed: 0 });
    expect(stats.total(range, { endpoint_id: 'we_a', event_type: 'parts.inventory.low' }).attempts).toBe(0);
  });

  it('gives exact percentiles (linear interpolation, rounded to whole ms) and the maximum', () => {
    const db = open();
    const deliveries = new DeliveryStore(db, new EmulatorBus());
    const results = [];
    for (let ms = 1; ms <= 100; ms++) {
      const d = deliveries.createForEndpoint({ id: `evt_${ms}`, type: 'vehicle.created' }, { id: 'we_a', url: 'http://x' });
      results.push(applyAttempt(d, attempt(T0 + ms, 200, ms), 'succeeded', null));
    }
    deliveries.recordResults(results);
    const total = new StatsStore(db).total({ from: T0, bucketMs: MIN, buckets: 1 });
    // p50 = 1 + 0.5 * 99 = 50.5 -> 51; p95 = 1 + 0.95 * 99 = 95.05 -> 95.
    expect(total).toEqual({ attempts: 100, delivered: 100, retried: 0, failed: 0, p50_ms: 51, p95_ms: 95, max_ms: 100 });
  });

  it('counts a listen-session attempt as delivered or failed, filtered by session', () => {
    const db = open();
    db.prepare("INSERT INTO events (id, type, created, body) VALUES ('evt_s', 'vehicle.created', '2025-03-01T10:00:00Z', '{}')").run();
    const deliveries = new DeliveryStore(db, new EmulatorBus());
    const ok = deliveries.createSessionDelivery('evt_s', 'ls_one', 'http://localhost:3000');
    const bad = deliveries.createSessionDelivery('evt_s', 'ls_one', 'http://localhost:3000');
    deliveries.recordSessionAttempt(ok.id, attempt(T0 + 10, 200, 7));
    deliveries.recordSessionAttempt(bad.id, attempt(T0 + 20, 500, 9));
    const stats = new StatsStore(db);
    const range = { from: T0, bucketMs: MIN, buckets: 1 };
    expect(stats.total(range, { session_id: 'ls_one' })).toMatchObject({ attempts: 2, delivered: 1, retried: 0, failed: 1, max_ms: 9 });
    expect(stats.total(range, { session_id: 'ls_other' }).attempts).toBe(0);
  });

  it('classifies attempts written before the outcome column existed when it migrates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'propitbox-stats-'));
    dirs.push(dir);
    const raw = new Database(join(dir, 'old.db'));
    raw.exec(MIGRATIONS[0]);
    raw.pragma('user_version = 1');
    const delivery = raw.prepare(
      "INSERT INTO deliveries (id, event_id, event_type, endpoint_id, url, status, attempt_count, manual, created, updated) VALUES (?, 'evt_1', 'vehicle.created', 'we_a', 'http://x', ?, ?, ?, '', '')",
    );
    const att = raw.prepare("INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code, request_headers, response_headers, response_body, manual) VALUES (?, ?, ?, 5, ?, '{}', '{}', '', ?)");
    const at = (s: number) => new Date(T0 + s * 1000).toISOString();
    // ok: 500 (retried) then 200. pend: 500, retry scheduled. dead: 500 final, then a hand retry 500 (final).
    // queued: 500 final, a hand retry queued (pending, manual = 1).
    delivery.run('dlv_ok', 'succeeded', 2, 0);
    att.run('dlv_ok', 1, at(1), 500, 0);
    att.run('dlv_ok', 2, at(2), 200, 0);
    delivery.run('dlv_pend', 'pending', 1, 0);
    att.run('dlv_pend', 1, at(3), 500, 0);
    delivery.run('dlv_dead', 'failed', 2, 0);
    att.run('dlv_dead', 1, at(4), 500, 0);
    att.run('dlv_dead', 2, at(5), 500, 1);
    delivery.run('dlv_queued', 'pending', 1, 1);
    att.run('dlv_queued', 1, at(6), null, 0);
    migrate(raw);
    const rows = raw.prepare('SELECT delivery_id, number, outcome, endpoint_id, event_type FROM attempts ORDER BY started_at').all();
    expect(rows).toEqual([
      { delivery_id: 'dlv_ok', number: 1, outcome: 'retried', endpoint_id: 'we_a', event_type: 'vehicle.created' },
      { delivery_id: 'dlv_ok', number: 2, outcome: 'delivered', endpoint_id: 'we_a', event_type: 'vehicle.created' },
      { delivery_id: 'dlv_pend', number: 1, outcome: 'retried', endpoint_id: 'we_a', event_type: 'vehicle.created' },
      { delivery_id: 'dlv_dead', number: 1, outcome: 'failed', endpoint_id: 'we_a', event_type: 'vehicle.created' },
      { delivery_id: 'dlv_dead', number: 2, outcome: 'failed', endpoint_id: 'we_a', event_type: 'vehicle.created' },
      { delivery_id: 'dlv_queued', number: 1, outcome: 'failed', endpoint_id: 'we_a', event_type: 'vehicle.created' },
    ]);
    raw.close();
  });
});

describe('stats plan', () => {
  const now = Date.parse('2025-03-01T10:07:30.000Z');

  it('aligns buckets to their size, the last one holding now, and picks about 60 bars by default', () => {
    expect(planStats({ window: '1h' }, now)).toMatchObject({ bucket: '1m', bucketMs: MIN, buckets: 60, to: Date.parse('2025-03-01T10:08:00.000Z'), from: Date.parse('2025-03-01T09:08:00.000Z') });
    expect(planStats({ window: '15m' }, now)).toMatchObject({ bucket: '15s', buckets: 60 });
    expect(planStats({ window: '24h' }, now)).toMatchObject({ bucket: '30m', buckets: 48 });
    expect(planStats({}, now)).toMatchObject({ window: '1h', bucket: '1m' });
    // A window that is not a whole number of buckets is rounded up to one.
    expect(planStats({ window: '1h', bucket: '7m' }, now).buckets).toBe(9);
  });

  it.each([
    [{ window: 'soon' }, 'window', /not a duration/],
    [{ window: '500ms' }, 'window', /from 1s to 30d/],
    [{ window: '31d' }, 'window', /from 1s to 30d/],
    [{ window: '1h', bucket: '2h' }, 'bucket', /longer than the window/],
    [{ window: '1h', bucket: '0.5s' }, 'bucket', /shorter than 1s/],
    [{ window: '24h', bucket: '1m' }, 'bucket', /1440 buckets, more than 500; use a bucket of 5m or more/],
  ])('refuses %j naming the parameter', (q, param, message) => {
    expect(() => planStats(q, now)).toThrow(message);
    try {
      planStats(q, now);
    } catch (e) {
      expect((e as { param: string }).param).toBe(param);
    }
  });
});

describe.skipIf(!pgAvailable())('stats on PostgreSQL', () => {
  it('the same statement (PostgreSQL spelling) gives the same buckets as SQLite on the same attempts', async () => {
    // The SQLite side: attempts written by the delivery store, as the engine does.
    const db = open();
    const deliveries = new DeliveryStore(db, new EmulatorBus());
    const results = [];
    for (let k = 0; k < 60; k++) {
      const d = deliveries.createForEndpoint({ id: `evt_${k}`, type: k % 3 ? 'vehicle.created' : 'parts.inventory.low' }, { id: k % 2 ? 'we_a' : 'we_b', url: 'http://x' });
      const code = k % 7 === 0 ? 500 : 200;
      results.push(applyAttempt(d, attempt(T0 + k * 7_000, code, (k * 37) % 250), code === 200 ? 'succeeded' : 'failed', k % 14 === 0 ? T0 + 9e6 : null));
    }
    deliveries.recordResults(results);
    const rows = db.prepare('SELECT * FROM attempts').all() as Record<string, unknown>[];

    // The PostgreSQL side: the PostgreSQL store's schema, the same rows copied in.
    const schema = await freshSchema();
    const store = await openStore({ dataDir: '', databaseUrl: schema.url, schema: schema.schema });
    await store.close();
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: schema.url, options: `-c search_path=${schema.schema}` });
    await client.connect();
    try {
      const cols = Object.keys(rows[0]);
      for (const r of rows) await client.query(`INSERT INTO attempts (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, cols.map((c) => r[c]));
      const stats = new StatsStore(db);
      for (const [range, filters] of [
        [{ from: T0, bucketMs: MIN, buckets: 10 }, {}],
        [{ from: T0, bucketMs: MIN, buckets: 10 }, { endpoint_id: 'we_a' }],
        [{ from: T0 - 30_000, bucketMs: 15_000, buckets: 40 }, { event_type: 'parts.inventory.low' }],
        [{ from: T0, bucketMs: 10 * MIN, buckets: 1 }, {}],
      ] as const) {
        const q = statsQuery(POSTGRES_STATS, range, filters);
        const onPg = countsFromRows((await client.query<StatsRow>(q.sql, q.params)).rows, range.buckets);
        const onSqlite = stats.buckets(range, filters);
        expect(onPg).toEqual(onSqlite);
        expect(onSqlite.some((b) => b.attempts > 0)).toBe(true);
      }
    } finally {
      await client.end();
      await schema.drop();
    }
  });
});
