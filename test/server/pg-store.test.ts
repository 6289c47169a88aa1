// What only PostgreSQL does: several nodes on one database. Migrations race safely, claims never
// overlap, and what one node changes reaches the others by NOTIFY.
import { afterEach, describe, expect, it } from 'vitest';
import { sortableId } from '../../src/server/ids.js';
import { openStore } from '../../src/server/store/open-store.js';
import { PG_MIGRATIONS } from '../../src/server/store/pg/migrations.js';
import { eventBody } from '../../src/server/store/rows.js';
import type { Store, StoredEvent } from '../../src/server/store/store.js';
import { freshSchema, pgAvailable, type TestSchema } from '../helpers/pg.js';
import { waitFor } from '../helpers/wait-for.js';

const A = 'key_owner_a';

function ev(type: string): StoredEvent {
  const e = { id: sortableId('evt'), type, created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), data: {} };
  return { ...e, body: eventBody(e) };
}

describe.skipIf(!pgAvailable())('PostgreSQL store, several nodes', () => {
  let schema: TestSchema | undefined;
  let stores: Store[] = [];
  const node = async () => {
    schema ??= await freshSchema();
    const s = await openStore({ dataDir: '', databaseUrl: schema.url, schema: schema.schema });
    stores.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of stores) await s.close();
    stores = [];
    await schema?.drop();
    schema = undefined;
  });

  it('migrates once when three nodes start together', async () => {
    const [a] = await Promise.all([node(), node(), node()]);
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: schema!.url });
    await c.connect();
    try {
      const { rows } = await c.query(`SELECT version FROM ${schema!.schema}.schema_migrations ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
    } finally {
      await c.end();
    }
    expect(await a.health()).toEqual({ ok: true, store: 'postgres' });
  });

  it('never gives one delivery to two nodes claiming at once', async () => {
    const [n1, n2] = [await node(), await node()];
    await n1.endpoints.create(A, { url: 'http://localhost:3000/a', events: ['*'] });
    for (let i = 0; i < 300; i += 50) await n1.accept(Array.from({ length: 50 }, () => ({ owner: A, event: ev('vehicle.created'), insert: true, endpoints: 'matching' as const, sessions: false })), 1);
    // Every accept-time lease has lapsed by `later`: both nodes compete for all 300.
    const later = Date.now() + 60_000;
    const drain = async (s: Store) => {
      const got: string[] = [];
      for (;;) {
        const batch = await s.deliveries.claimDue({ now: later, limit: 7, leaseMs: 600_000 });
        if (!batch.length) return got;
        got.push(...batch.map((c) => c.row.id));
      }
    };
    const [a, b] = await Promise.all([drain(n1), drain(n2)]);
    expect(a.length + b.length).toBe(300);
    expect(new Set([...a, ...b]).size).toBe(300);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
  });

  it('lets another node take over work whose lease ran out, and fences the late result of the first', async () => {
    const [n1, n2] = [await node(), await node()];
    await n1.endpoints.create(A, { url: 'http://localhost:3000/a', events: ['*'] });
    const [r] = await n1.accept([{ owner: A, event: ev('vehicle.created'), insert: true, endpoints: 'matching', sessions: false }], 1_000);
    const first = (r as { claimed: { row: { id: string; attempt_count: number }; token: number }[] }).claimed[0];
    const now = Date.now();
    expect(await n2.deliveries.claimDue({ now, limit: 10, leaseMs: 30_000 })).toEqual([]);
    const taken = await n2.deliveries.claimDue({ now: now + 60_000, limit: 10, leaseMs: 30_000 });
    expect(taken.map((c) => c.row.id)).toEqual([first.row.id]);
    const attempt = { number: 1, started_at: new Date().toISOString(), duration_ms: 5, status_code: 200, error: null, request_headers: {}, response_headers: {}, response_body: '', manual: false };
    const row = { ...taken[0].row, status: 'succeeded' as const, attempt_count: 1, last_status_code: 200 };
    expect(await n1.deliveries.recordResults([{ row, attempt, token: first.token }])).toEqual([]);
    expect((await n2.deliveries.recordResults([{ row, attempt, token: taken[0].token }])).map((d) => d.status)).toEqual(['succeeded']);
  });

  it('tells the other nodes: new session rows, a session taken over, released work, key changes', async () => {
    const [n1, n2] = [await node(), await node()];
    const seen: string[] = [];
    n2.notifier.on('sessions', (ids) => seen.push(`sessions:${ids.join(',')}`));
    n2.notifier.on('session-claimed', (id, epoch, by) => seen.push(`claimed:${id}:${epoch}:${by === n1.node}`));
    n2.notifier.on('work', () => seen.push('work'));
    n2.notifier.on('keys', () => seen.push('keys'));
    const session = await n1.sessions.create(A, { events: ['*'], label: null });
    await n1.endpoints.create(A, { url: 'http://localhost:3000/a', events: ['*'] });
    const [r] = await n1.accept([{ owner: A, event: ev('vehicle.created'), insert: true, endpoints: 'matching', sessions: true }], 30_000);
    const claimed = (r as { claimed: { row: { id: string }; token: number }[] }).claimed;
    await waitFor(() => seen.includes(`sessions:${session.id}`), { what: 'sessions notification on the other node' });
    const epoch = await n1.sessions.claim(session.id, n1.node);
    await waitFor(() => seen.includes(`claimed:${session.id}:${epoch}:true`), { what: 'session-claimed on the other node' });
    await n1.deliveries.release(claimed.map((c) => ({ id: c.row.id, token: c.token })));
    await waitFor(() => seen.includes('work'), { what: 'work notification on the other node' });
    await n1.keys.create({ id: 'key_notify', name: 'n', hash: 'x'.repeat(64), prefix: 'ppk_x' });
    await waitFor(() => seen.includes('keys'), { what: 'keys notification on the other node' });
    // A node does not hear its own NOTIFY twice: it told its listeners when it published.
    const own: string[][] = [];
    n1.notifier.on('sessions', (ids) => own.push(ids));
    await n1.accept([{ owner: A, event: ev('vehicle.created'), insert: true, endpoints: 'matching', sessions: true }], 30_000);
    await waitFor(() => seen.filter((x) => x.startsWith('sessions:')).length === 2, { what: 'second sessions notification' });
    expect(own).toEqual([[session.id]]);
  });

  it('refuses to run on a schema newer than it knows', async () => {
    const s = await node();
    await s.close();
    stores = [];
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: schema!.url });
    await c.connect();
    await c.query(`INSERT INTO ${schema!.schema}.schema_migrations (version) VALUES (999)`);
    await c.end();
    await expect(node()).rejects.toThrow(/schema is at version 999, newer than this propitbox knows/);
  });
});
