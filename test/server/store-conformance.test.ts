// One behaviour, one test, run against every store: SQLite (always) and PostgreSQL (when
// PROPITBOX_TEST_DATABASE_URL is set; CI always sets it). Whatever a server does with its store, both
// implementations must answer the same.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/contract/v1.js';
import { sortableId } from '../../src/server/ids.js';
import { openStore } from '../../src/server/store/open-store.js';
import { eventBody } from '../../src/server/store/rows.js';
import type { AcceptItem, Accepted, SessionAck, SessionLimits, Store, StoredEvent } from '../../src/server/store/store.js';
import { freshSchema, pgAvailable } from '../helpers/pg.js';

interface Backend {
  name: string;
  open(limits?: SessionLimits): Promise<{ store: Store; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async open(limits) {
      const dir = mkdtempSync(join(tmpdir(), 'propitbox-store-'));
      const store = await openStore({ dataDir: dir, limits });
      return { store, cleanup: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
    },
  },
];
if (pgAvailable()) {
  backends.push({
    name: 'postgres',
    async open(limits) {
      const s = await freshSchema();
      const store = await openStore({ dataDir: '', databaseUrl: s.url, schema: s.schema, limits });
      return { store, cleanup: async () => (await store.close(), await s.drop()) };
    },
  });
}

const LEASE = 30_000;
const A = 'key_owner_a';
const B = 'key_owner_b';

function ev(type: string, data: Record<string, unknown> = {}, id = sortableId('evt')): StoredEvent {
  const e = { id, type, created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), data };
  return { ...e, body: eventBody(e) };
}

function item(owner: string, event: StoredEvent, over: Partial<AcceptItem> = {}): AcceptItem {
  return { owner, event, insert: true, endpoints: 'matching', sessions: true, ...over };
}

function ok(r: Accepted | Error): Accepted {
  if (r instanceof Error) throw r;
  return r;
}

function attempt(status: number | null, error: string | null = null): Omit<Attempt, 'number'> {
  return { started_at: new Date().toISOString(), duration_ms: 5, status_code: status, error, request_headers: {}, response_headers: {}, response_body: status ? 'ok' : '', manual: false };
}

describe.each(backends)('store conformance: $name', (backend) => {
  let cleanups: (() => Promise<void>)[] = [];
  const open = async (limits?: SessionLimits) => {
    const o = await backend.open(limits);
    cleanups.push(o.cleanup);
    return o.store;
  };
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups = [];
  });

  it('keeps endpoints per owner: another owner sees none and gets 404 on every id', async () => {
    const s = await open();
    const e = await s.endpoints.create(A, { url: 'http://localhost:3000/a', events: ['vehicle.*'], description: 'a' });
    expect(e).toMatchObject({ object: 'webhook_endpoint', url: 'http://localhost:3000/a', events: ['vehicle.*'], status: 'enabled' });
    expect(e.secret).toMatch(/^whsec_/);
    expect((await s.endpoints.list(A, { limit: 10 })).rows.map((x) => x.id)).toEqual([e.id]);
    expect((await s.endpoints.list(B, { limit: 10 })).rows).toEqual([]);
    for (const call of [() => s.endpoints.get(B, e.id), () => s.endpoints.secret(B, e.id), () => s.endpoints.update(B, e.id, { status: 'disabled' }), () => s.endpoints.rotateSecret(B, e.id), () => s.endpoints.delete(B, e.id)]) {
      await expect(call()).rejects.toMatchObject({ statusCode: 404 });
    }
    expect(await s.endpoints.secret(A, e.id)).toBe(e.secret);
    const updated = await s.endpoints.update(A, e.id, { description: null, status: 'disabled', events: ['*'] });
    expect(updated).toMatchObject({ description: null, status: 'disabled', events: ['*'] });
    expect(updated.secret).toBeUndefined();
    const rotated = await s.endpoints.rotateSecret(A, e.id);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(e.secret);
    expect((await s.endpoints.delete(A, e.id)).id).toBe(e.id);
    await expect(s.endpoints.get(A, e.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('commits an event with its endpoint deliveries (leased to this node) and session-log rows, for the owner only', async () => {
    const s = await open();
    const vehicles = await s.endpoints.create(A, { url: 'http://localhost:3000/v', events: ['vehicle.*'] });
    await s.endpoints.create(A, { url: 'http://localhost:3000/m', events: ['maintenance.task.*'] });
    const off = await s.endpoints.create(A, { url: 'http://localhost:3000/off', events: ['*'] });
    await s.endpoints.update(A, off.id, { status: 'disabled' });
    await s.endpoints.create(B, { url: 'http://localhost:3000/b', events: ['*'] });
    const session = await s.sessions.create(A, { events: ['vehicle.*'], label: null });
    await s.sessions.create(B, { events: ['*'], label: null });
    const woken: string[][] = [];
    s.notifier.on('sessions', (ids) => woken.push(ids));

    const e = ev('vehicle.created', { vehicle: { id: 'veh_1' } });
    const [r] = await s.accept([item(A, e)], LEASE);
    const a = ok(r);
    expect(a.event.body).toBe(e.body);
    expect(a.deliveries.map((d) => [d.endpoint_id, d.session_id, d.status])).toEqual([
      [vehicles.id, null, 'pending'],
      [null, session.id, 'pending'],
    ]);
    expect(a.claimed).toHaveLength(1);
    expect(a.claimed[0]).toMatchObject({ body: e.body, target: { id: vehicles.id, owner: A, url: 'http://localhost:3000/v', status: 'enabled' } });
    expect(a.claimed[0].target!.secret).toMatch(/^whsec_/);
    expect(a.sessionIds).toEqual([session.id]);
    expect(woken).toEqual([[session.id]]);
    expect(await s.sessions.read(session.id, 0, 10)).toEqual([{ seq: 1, event_id: e.id, type: e.type, created: e.created, body: e.body, delivery_id: a.deliveries[1].id }]);
    expect((await s.events.get(A, e.id)).body).toBe(e.body);
    await expect(s.events.get(B, e.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await s.deliveries.list(B, {}, { limit: 10 })).rows).toEqual([]);
    expect((await s.deliveries.list(A, { event_id: e.id }, { limit: 10 })).rows).toHaveLength(2);
  });

  it('fails one item of a group alone: duplicate id 409, unknown or foreign endpoint 404, disabled 409, and writes nothing for it', async () => {
    const s = await open();
    const mine = await s.endpoints.create(A, { url: 'http://localhost:3000/a', events: ['*'] });
    const off = await s.endpoints.create(A, { url: 'http://localhost:3000/off', events: ['*'] });
    await s.endpoints.update(A, off.id, { status: 'disabled' });
    const theirs = await s.endpoints.create(B, { url: 'http://localhost:3000/b', events: ['*'] });
    const first = ev('vehicle.created', {}, 'evt_conformance_dup');
    const out = await s.accept(
      [
        item(A, first),
        item(A, ev('vehicle.created', { again: true }, 'evt_conformance_dup')),
        item(A, ev('vehicle.created'), { endpoints: { only: 'we_nope' } }),
        item(A, ev('vehicle.created'), { endpoints: { only: theirs.id } }),
        item(A, ev('vehicle.created'), { endpoints: { only: off.id } }),
        item(A, ev('vehicle.updated'), { endpoints: { only: mine.id }, sessions: false }),
      ],
      LEASE,
    );
    expect(out.map((r) => (r instanceof Error ? (r as Error & { statusCode: number }).statusCode : 'ok'))).toEqual(['ok', 409, 404, 404, 409, 'ok']);
    const events = await s.events.list(A, { limit: 10 });
    expect(events.rows.map((e) => e.type).sort()).toEqual(['vehicle.created', 'vehicle.updated']);
    expect((await s.events.get(A, first.id)).data).toEqual({});
    expect(ok(out[5]).deliveries.map((d) => d.endpoint_id)).toEqual([mine.id]);
  });

  it('resends an event under the same id and bytes with new deliveries', async () => {
    const s = await open();
    const ep = await s.endpoints.create(A, { url: 'http://localhost:3000/a', events: ['*'] });
    const e = ev('session.ended');
    const first = ok((await s.accept([item(A, e)], LEASE))[0]);
    const again = ok((await s.accept([item(A, await s.events.get(A, e.id), { insert: false, endpoints: { only: ep.id } })], LEASE))[0]);
    expect(again.claimed[0].body).toBe(e.body);
    expect(again.deliveries[0].id).not.toBe(first.deliveries[0].id);
    expect((await s.deliveries.list(A, { event_id: e.id }, { limit: 10 })).rows).toHaveLength(2);
  });

  it('pages newest first with starting_after, and another owner’s id is not a cursor', async () => {
    const s = await open();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(ok((await s.accept([item(A, ev('vehicle.created', { i }))], LEASE))[0]).event.id);
    const other = ok((await s.accept([item(B, ev('vehicle.created'))], LEASE))[0]).event.id;
    const p1 = await s.events.list(A, { limit: 2 });
    expect(p1.rows.map((e) => e.id)).toEqual([ids[4], ids[3]]);
    expect(p1.has_more).toBe(true);
    const p3 = await s.events.list(A, { limit: 2, starting_after: ids[1] });
    expect(p3.rows.map((e) => e.id)).toEqual([ids[0]]);
    expect(p3.has_more).toBe(false);
    await expect(s.events.list(A, { limit: 2, starting_after: other })).rejects.toMatchObject({ statusCode: 404 });
    expect((await s.events.list(A, { limit: 10 }, 'vehicle.updated')).rows).toEqual([]);
  });

  it('filters lists on the server: deliveries by event type, status and attempt time; events by their deliveries', async () => {
    const s = await open();
    const ep = await s.endpoints.create(A, { url: 'http://localhost:3000/a', events: ['*'] });
    const session = await s.sessions.create(A, { events: ['vehicle.*'], label: null });
    const v = ok((await s.accept([item(A, ev('vehicle.created'))], LEASE))[0]);
    const m = ok((await s.accept([item(A, ev('maintenance.task.created'))], LEASE))[0]);
    const at = new Date(Date.now() - 60_000).toISOString();
    await s.deliveries.recordResults([{ row: { ...m.claimed[0].row, status: 'failed', attempt_count: 1, last_status_code: 500 }, attempt: { ...attempt(500), started_at: at, number: 1 }, token: m.claimed[0].token }]);
    const ids = async (f: Parameters<Store['deliveries']['list']>[1]) => (await s.deliveries.list(A, f, { limit: 10 })).rows.map((d) => d.id).sort();
    expect(await ids({ event_type: 'vehicle.created' })).toEqual(v.deliveries.map((d) => d.id).sort());
    expect(await ids({ status: 'failed' })).toEqual([m.claimed[0].row.id]);
    expect(await ids({ attempted_from: new Date(Date.now() - 120_000).toISOString(), attempted_to: new Date(Date.now() - 30_000).toISOString() })).toEqual([m.claimed[0].row.id]);
    expect(await ids({ attempted_from: new Date(Date.now() - 30_000).toISOString() })).toEqual([]);
    const evIds = async (f: Parameters<Store['events']['list']>[3]) => (await s.events.list(A, { limit: 10 }, undefined, f)).rows.map((e) => e.id);
    expect(await evIds({ session_id: session.id })).toEqual([v.event.id]);
    expect(await evIds({ endpoint_id: ep.id, status: 'failed' })).toEqual([m.event.id]);
    expect(await evIds({ endpoint_id: 'we_other' })).toEqual([]);
  });

  it('claims due work under a lease: held rows are skipped, a given-back row is claimed anew, and only the newest token records a result', async () => {
    const s = await open();
    const ep = await s.endpoints.create(A, { url: 'http://localhost:3000/a', events: ['*'] });
    const other = await s.endpoints.create(A, { url: 'http://localhost:3000/b', events: ['vehicle.updated'] });
    // Times passed in, not read: a slow machine must not make a lease lapse early.
    const now = Date.now();
    const a = ok((await s.accept([item(A, ev('vehicle.created'))], LEASE))[0]);
    const b = ok((await s.accept([item(A, ev('vehicle.updated'))], LEASE))[0]);
    // The accepting node holds them until it gives them back (or, on PostgreSQL, the lease ends).
    expect(await s.deliveries.claimDue({ now, limit: 10, leaseMs: LEASE })).toEqual([]);
    await s.deliveries.release([...a.claimed, ...b.claimed].map((c) => ({ id: c.row.id, token: c.token })));
    const later = Date.now();
    const retaken = await s.deliveries.claimDue({ now: later, limit: 10, leaseMs: LEASE, excludeEndpoints: [other.id] });
    expect(retaken.map((c) => c.row.endpoint_id)).toEqual([ep.id, ep.id]);
    expect(retaken.every((c) => c.body.startsWith('{"id":"evt_'))).toBe(true);
    const mine = retaken.find((c) => c.row.id === a.claimed[0].row.id)!;
    expect(mine.token).not.toBe(a.claimed[0].token);
    expect(await s.deliveries.claimDue({ now: later, limit: 10, leaseMs: LEASE, excludeEndpoints: [other.id] })).toEqual([]);
    expect((await s.deliveries.claimDue({ now: later, limit: 10, leaseMs: LEASE })).map((c) => c.row.endpoint_id)).toEqual([other.id]);

    const stale = await s.deliveries.recordResults([{ row: { ...a.claimed[0].row, status: 'succeeded', attempt_count: 1 }, attempt: { ...attempt(200), number: 1 }, token: a.claimed[0].token }]);
    expect(stale).toEqual([]);
    const written = await s.deliveries.recordResults([{ row: { ...mine.row, status: 'succeeded', attempt_count: 1, last_status_code: 200 }, attempt: { ...attempt(200), number: 1 }, token: mine.token }]);
    expect(written.map((d) => [d.id, d.status])).toEqual([[mine.row.id, 'succeeded']]);
    const got = await s.deliveries.get(A, mine.row.id);
    expect(got.attempts!.map((x) => [x.number, x.status_code])).toEqual([[1, 200]]);
    await expect(s.deliveries.get(B, mine.row.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('schedules a retry: the row falls due at its next attempt, and a released lease is free at once', async () => {
    const s = await open();
    await s.endpoints.create(A, { url: 'http://localhost:3000/a', events: ['*'] });
    const a = ok((await s.accept([item(A, ev('vehicle.created'))], LEASE))[0]);
    const c = a.claimed[0];
    const next = Date.now() + 5_000;
    await s.deliveries.recordResults([{ row: { ...c.row, status: 'pending', attempt_count: 1, last_status_code: 500, next_attempt_at: next }, attempt: { ...attempt(500), number: 1 }, token: c.token }]);
    expect(await s.deliveries.nextDueAt(Date.now())).toBe(next);
    expect(await s.deliveries.claimDue({ now: Date.now(), limit: 10, leaseMs: LEASE })).toEqual([]);
    const due = await s.deliveries.claimDue({ now: next, limit: 10, leaseMs: LEASE });
    expect(due.map((d) => [d.row.id, d.row.attempt_count])).toEqual([[c.row.id, 1]]);
    await s.deliveries.release([{ id: c.row.id, token: due[0].token }]);
    expect((await s.deliveries.claimDue({ now: next, limit: 10, leaseMs: LEASE })).map((d) => d.row.id)).toEqual([c.row.id]);
  });

  it('retries by hand only a settled endpoint delivery of the owner', async () => {
    const s = await open();
    await s.endpoints.create(A, { url: 'http://localhost:3000/a', events: ['*'] });
    const session = await s.sessions.create(A, { events: ['*'], label: null });
    const a = ok((await s.accept([item(A, ev('vehicle.created'))], LEASE))[0]);
    const c = a.claimed[0];
    await expect(s.deliveries.retry(A, c.row.id, LEASE)).rejects.toMatchObject({ statusCode: 409 });
    await s.deliveries.recordResults([{ row: { ...c.row, status: 'failed', attempt_count: 1, last_status_code: 500 }, attempt: { ...attempt(500), number: 1 }, token: c.token }]);
    await expect(s.deliveries.retry(B, c.row.id, LEASE)).rejects.toMatchObject({ statusCode: 404 });
    const sessionDelivery = a.deliveries.find((d) => d.session_id === session.id)!;
    await expect(s.deliveries.retry(A, sessionDelivery.id, LEASE)).rejects.toMatchObject({ statusCode: 409 });
    const r = await s.deliveries.retry(A, c.row.id, LEASE);
    expect(r.row).toMatchObject({ id: c.row.id, status: 'pending', manual: 1 });
    expect(r.body).toBe(a.event.body);
    expect(r.target?.url).toBe('http://localhost:3000/a');
    expect(await s.deliveries.claimDue({ now: Date.now(), limit: 10, leaseMs: LEASE })).toEqual([]);
  });

  it('numbers each session log gap-free and in order under concurrent accepts', async () => {
    const s = await open();
    const session = await s.sessions.create(A, { events: ['*'], label: null });
    const sent = Array.from({ length: 40 }, (_, i) => ev('vehicle.created', { i }));
    await Promise.all(sent.map((e) => s.accept([item(A, e)], LEASE)));
    const rows = await s.sessions.read(session.id, 0, 100);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(sent.map((e) => e.id)));
    expect((await s.sessions.read(session.id, 35, 3)).map((r) => r.seq)).toEqual([36, 37, 38]);
    expect((await s.sessions.get(session.id))!.last_seq).toBe(40);
  });

  it('keeps one listen secret per owner, stable until rotated, and sessions per owner', async () => {
    const s = await open();
    const rotated: string[] = [];
    s.notifier.on('secret-rotated', (o) => rotated.push(o));
    const a1 = await s.sessions.secret(A);
    expect(a1).toMatch(/^whsec_/);
    expect(await s.sessions.secret(A)).toBe(a1);
    expect(await s.sessions.secret(B)).not.toBe(a1);
    const a2 = await s.sessions.rotateSecret(A);
    expect(a2).not.toBe(a1);
    expect(await s.sessions.secret(A)).toBe(a2);
    expect(rotated).toEqual([A]);
    const sa = await s.sessions.create(A, { events: ['vehicle.*'], label: 'laptop' });
    expect(sa).toMatchObject({ owner: A, label: 'laptop', events: ['vehicle.*'], last_seq: 0, acked_seq: 0, target_url: null });
    expect((await s.sessions.list(A)).map((x) => x.id)).toEqual([sa.id]);
    expect(await s.sessions.list(B)).toEqual([]);
    expect(await s.sessions.delete(B, sa.id)).toBe(false);
    expect(await s.sessions.get(sa.id)).toMatchObject({ id: sa.id, owner: A });
  });

  it('moves the cursor only for acks under the current epoch, records the client outcome and trims acknowledged rows', async () => {
    const s = await open();
    const session = await s.sessions.create(A, { events: ['*'], label: null });
    const claimed: [string, number, string][] = [];
    s.notifier.on('session-claimed', (...a) => claimed.push(a));
    const accepted = [];
    for (let i = 0; i < 3; i++) accepted.push(ok((await s.accept([item(A, ev('vehicle.created', { i }))], LEASE))[0]));
    const e1 = await s.sessions.claim(session.id, 'node-1');
    expect(e1).toBeGreaterThan(0);
    expect(claimed).toEqual([[session.id, e1, 'node-1']]);
    const rows = await s.sessions.read(session.id, 0, 10);
    const ack = (seq: number, epoch: number, status: number | null, final = true): SessionAck => ({ sessionId: session.id, epoch, cursor: seq, deliveryId: rows[seq - 1].delivery_id, url: 'http://localhost:3000/hook', attempt: attempt(status, status ? null : 'connect ECONNREFUSED'), final });
    // An attempt the client will make again (its receiver was down): recorded, still pending, cursor stays.
    await s.sessions.recordAcks([ack(1, e1, null, false)]);
    expect((await s.sessions.get(session.id))!.acked_seq).toBe(0);
    expect(await s.deliveries.get(A, rows[0].delivery_id)).toMatchObject({ status: 'pending', attempt_count: 1 });
    await s.sessions.recordAcks([ack(1, e1, 200), ack(2, e1, null)]);
    expect((await s.sessions.get(session.id))!).toMatchObject({ acked_seq: 2, target_url: 'http://localhost:3000/hook' });
    expect((await s.sessions.read(session.id, 0, 10)).map((r) => r.seq)).toEqual([3]);
    const d1 = await s.deliveries.get(A, rows[0].delivery_id);
    expect(d1).toMatchObject({ status: 'succeeded', attempt_count: 2, url: 'http://localhost:3000/hook' });
    expect(d1.attempts!.map((x) => [x.number, x.status_code])).toEqual([[1, null], [2, 200]]);
    expect((await s.deliveries.get(A, rows[1].delivery_id)).status).toBe('failed');

    const e2 = await s.sessions.claim(session.id, 'node-2');
    expect(e2).toBeGreaterThan(e1);
    expect(await s.sessions.epoch(session.id)).toBe(e2);
    await s.sessions.recordAcks([ack(3, e1, 200)]);
    expect((await s.sessions.get(session.id))!.acked_seq).toBe(2);
    expect((await s.deliveries.get(A, rows[2].delivery_id)).status).toBe('pending');
    await s.sessions.recordAcks([ack(3, e2, 200)]);
    expect((await s.sessions.get(session.id))!.acked_seq).toBe(3);
    expect(await s.sessions.read(session.id, 0, 10)).toEqual([]);
  });

  it('catches a new session up on the owner’s recent events (since), not on another owner’s', async () => {
    const s = await open();
    const mine = ok((await s.accept([item(A, ev('vehicle.created'))], LEASE))[0]).event;
    ok((await s.accept([item(A, ev('session.ended'))], LEASE))[0]);
    ok((await s.accept([item(B, ev('vehicle.created'))], LEASE))[0]);
    const woken: string[][] = [];
    s.notifier.on('sessions', (ids) => woken.push(ids));
    const session = await s.sessions.create(A, { events: ['vehicle.*'], label: null, sinceSec: 3600 });
    expect(session.last_seq).toBe(1);
    expect((await s.sessions.read(session.id, 0, 10)).map((r) => r.event_id)).toEqual([mine.id]);
    expect(woken).toEqual([[session.id]]);
    const d = (await s.deliveries.list(A, { session_id: session.id }, { limit: 10 })).rows;
    expect(d.map((x) => [x.event_id, x.status])).toEqual([[mine.id, 'pending']]);
  });

  it('fails the unacknowledged deliveries of a deleted session with the reason', async () => {
    const s = await open();
    const session = await s.sessions.create(A, { events: ['*'], label: null });
    const a = ok((await s.accept([item(A, ev('vehicle.created'))], LEASE))[0]);
    const deleted: string[] = [];
    s.notifier.on('session-deleted', (id) => deleted.push(id));
    expect(await s.sessions.delete(A, session.id)).toBe(true);
    expect(deleted).toEqual([session.id]);
    expect(await s.sessions.get(session.id)).toBeUndefined();
    const d = await s.deliveries.get(A, a.deliveries[0].id);
    expect(d).toMatchObject({ status: 'failed', last_error: expect.stringContaining('closed before a client acknowledged') });
  });

  it('bounds a backlog nobody acknowledges: the oldest rows go and their deliveries say why', async () => {
    const s = await open({ maxAgeMs: 24 * 3_600_000, maxEvents: 50, idleMs: 3_600_000 });
    const session = await s.sessions.create(A, { events: ['*'], label: null });
    const accepted: Accepted[] = [];
    for (let i = 0; i < 200; i += 20) {
      const out = await s.accept(Array.from({ length: 20 }, (_, k) => item(A, ev('vehicle.created', { n: i + k }))), LEASE);
      accepted.push(...out.map(ok));
    }
    const rows = await s.sessions.read(session.id, 0, 1000);
    expect(rows.length).toBeLessThanOrEqual(150);
    expect(rows.length).toBeGreaterThanOrEqual(50);
    expect(rows[rows.length - 1].seq).toBe(200);
    const firstKept = rows[0].seq;
    const dropped = await s.deliveries.get(A, accepted[0].deliveries[0].id);
    expect(firstKept).toBeGreaterThan(1);
    expect(dropped).toMatchObject({ status: 'failed', last_error: expect.stringContaining('backlog limit (50 events)') });
  });

  it('expires log rows past the age limit in its retention run, failing their deliveries', async () => {
    const s = await open({ maxAgeMs: 60_000, maxEvents: 10_000, idleMs: 3_600_000 });
    const session = await s.sessions.create(A, { events: ['*'], label: null, durable: true });
    const a = ok((await s.accept([item(A, ev('vehicle.created'))], LEASE))[0]);
    expect(await s.retention(Date.now())).toEqual({ expiredLogRows: 0, expiredSessions: [] });
    expect(await s.retention(Date.now() + 120_000)).toEqual({ expiredLogRows: 1, expiredSessions: [] });
    expect(await s.sessions.read(session.id, 0, 10)).toEqual([]);
    expect(await s.deliveries.get(A, a.deliveries[0].id)).toMatchObject({ status: 'failed', last_error: expect.stringContaining('older than 0 h') });
  });

  it('deletes a session that is not durable after it had no client for the idle limit, and says when', async () => {
    const s = await open({ maxAgeMs: 24 * 3_600_000, maxEvents: 10_000, idleMs: 60_000 });
    const idle = await s.sessions.create(A, { events: ['*'], label: null, targets: ['http://localhost:3000/hook'] });
    const kept = await s.sessions.create(A, { events: ['*'], label: 'ci', durable: true });
    const busy = await s.sessions.create(A, { events: ['*'], label: null });
    expect(idle).toMatchObject({ durable: false, targets: ['http://localhost:3000/hook'], connected: false });
    expect(idle.expires_at).toBeGreaterThan(Date.now());
    expect(kept.expires_at).toBeNull();
    await s.sessions.claim(busy.id, s.node);
    await s.sessions.setConnected([busy.id], true, s.node);
    expect(await s.sessions.get(busy.id)).toMatchObject({ connected: true, expires_at: null });
    const deleted: string[] = [];
    s.notifier.on('session-deleted', (id) => deleted.push(id));
    expect(await s.sessions.expireIdle(Date.now())).toEqual([]);
    // A minute later: the node holding `busy` has kept saying its client is there.
    const later = Date.now() + 61_000;
    await s.sessions.setConnected([busy.id], true, s.node, later);
    expect(await s.sessions.expireIdle(later)).toEqual([idle.id]);
    expect(deleted).toEqual([idle.id]);
    expect((await s.sessions.list(A)).map((x) => x.id).sort()).toEqual([kept.id, busy.id].sort());
    // The client goes: idle from now on.
    await s.sessions.setConnected([busy.id], false, s.node);
    const gone = await s.sessions.get(busy.id);
    expect(gone).toMatchObject({ connected: false });
    expect(gone!.expires_at).toBeGreaterThan(Date.now());
  });

  it('stores API keys by hash and forgets a revoked one at once', async () => {
    const s = await open();
    let changes = 0;
    s.notifier.on('keys', () => changes++);
    const k = await s.keys.create({ id: 'key_conformance1', name: 'alice', hash: 'h'.repeat(64), prefix: 'ppk_live_abc' });
    expect(k).toMatchObject({ id: 'key_conformance1', name: 'alice', prefix: 'ppk_live_abc', revoked: null });
    expect(await s.keys.byHash('h'.repeat(64))).toMatchObject({ id: 'key_conformance1' });
    expect((await s.keys.list()).map((x) => x.id)).toEqual(['key_conformance1']);
    expect(await s.keys.revoke('key_conformance1')).toBe(true);
    expect(await s.keys.revoke('key_conformance1')).toBe(false);
    expect(await s.keys.byHash('h'.repeat(64))).toBeUndefined();
    expect((await s.keys.list())[0].revoked).toEqual(expect.any(String));
    expect(changes).toBe(2);
  });

  it('reports its health', async () => {
    const s = await open();
    expect(await s.health()).toEqual({ ok: true, store: s.kind });
  });
});
