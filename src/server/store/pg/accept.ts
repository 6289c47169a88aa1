// accept() on PostgreSQL: events, their endpoint deliveries (leased to the accepting node, so its engine
// starts them without a claim round-trip) and their session-log rows, in one transaction per group.
// Per-session sequence numbers come from the session row, locked (in id order, so two groups cannot
// deadlock) until commit: a later number never commits before an earlier one, so readers see no gap.
import type { Delivery } from '../../../contract/v1.js';
import { matchesAny } from '../../../domain/event-types.js';
import { duplicateEventId, endpointDisabled, notFound } from '../../errors.js';
import { sortableId } from '../../ids.js';
import { DROPPED, toDelivery } from '../rows.js';
import type { AcceptItem, Accepted, ClaimedDelivery, DeliveryRow, EndpointTarget, SessionLimits } from '../store.js';
import { transaction, type Pool, type PoolClient } from './db.js';

interface TargetRecord {
  id: string;
  owner: string;
  url: string;
  secret: string;
  status: 'enabled' | 'disabled';
  events: string;
}

interface LogInsert {
  session_id: string;
  seq: number;
  event_id: string;
  type: string;
  created: string;
  body: string;
  delivery_id: string;
}

export interface AcceptContext {
  pool: Pool;
  node: string;
  limits: SessionLimits;
}

/** All items in one transaction; if that fails as a whole, each item alone, so only a bad one fails. */
export async function pgAccept(ctx: AcceptContext, items: AcceptItem[], leaseMs: number): Promise<(Accepted | Error)[]> {
  if (!items.length) return [];
  try {
    return await transaction(ctx.pool, (c) => write(ctx, c, items, leaseMs));
  } catch (err) {
    if (items.length === 1) return [err as Error];
  }
  const out: (Accepted | Error)[] = [];
  for (const item of items) {
    try {
      out.push((await transaction(ctx.pool, (c) => write(ctx, c, [item], leaseMs)))[0]);
    } catch (err) {
      out.push(err as Error);
    }
  }
  return out;
}

async function write(ctx: AcceptContext, c: PoolClient, items: AcceptItem[], leaseMs: number): Promise<(Accepted | Error)[]> {
  const out: (Accepted | Error | null)[] = items.map(() => null);
  const now = Date.now();
  const iso = new Date(now).toISOString();

  // 1. Single-endpoint items: the endpoint must be the owner's and enabled, before anything is written.
  const onlyIds = [...new Set(items.flatMap((i) => (i.endpoints === 'matching' ? [] : [i.endpoints.only])))];
  const onlyTargets = new Map<string, TargetRecord>();
  if (onlyIds.length) {
    const { rows } = await c.query<TargetRecord>('SELECT id, owner, url, secret, status, events FROM endpoints WHERE id = ANY($1)', [onlyIds]);
    for (const r of rows) onlyTargets.set(r.id, r);
  }
  items.forEach((item, i) => {
    if (item.endpoints === 'matching') return;
    const id = item.endpoints.only;
    const t = onlyTargets.get(id);
    if (!t || t.owner !== item.owner) out[i] = notFound('webhook endpoint', id, 'endpoint_id');
    else if (t.status !== 'enabled') out[i] = endpointDisabled(id);
  });

  // 2. New events; an id that exists already (or twice in this group) is a 409 for that item only.
  const inserts = items.map((item, i) => ({ item, i })).filter(({ item, i }) => item.insert && !out[i]);
  if (inserts.length) {
    const e = inserts.map(({ item }) => item);
    const { rows } = await c.query<{ id: string }>(
      'INSERT INTO events (id, owner, type, created, body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT (id) DO NOTHING RETURNING id',
      [e.map((x) => x.event.id), e.map((x) => x.owner), e.map((x) => x.event.type), e.map((x) => x.event.created), e.map((x) => x.event.body)],
    );
    const fresh = new Set(rows.map((r) => r.id));
    for (const { item, i } of inserts) {
      if (fresh.delete(item.event.id)) continue;
      out[i] = duplicateEventId(item.event.id);
    }
  }
  const live = items.map((item, i) => ({ item, i })).filter(({ i }) => !out[i]);

  // 3. Endpoint deliveries, leased to this node under one fencing token.
  const owners = [...new Set(live.filter(({ item }) => item.endpoints === 'matching').map(({ item }) => item.owner))];
  const byOwner = new Map<string, TargetRecord[]>();
  if (owners.length) {
    const { rows } = await c.query<TargetRecord>("SELECT id, owner, url, secret, status, events FROM endpoints WHERE owner = ANY($1) AND status = 'enabled' ORDER BY seq", [owners]);
    for (const r of rows) byOwner.set(r.owner, [...(byOwner.get(r.owner) ?? []), r]);
  }
  const parsed = new Map<string, string[]>();
  const patterns = (r: { id: string; events: string }) => parsed.get(r.id) ?? (parsed.set(r.id, JSON.parse(r.events) as string[]), parsed.get(r.id)!);
  const rows: DeliveryRow[] = [];
  const claimedOf = new Map<number, ClaimedDelivery[]>();
  let token = 0;
  const wantsEndpoints = live.some(({ item }) => (item.endpoints === 'matching' ? (byOwner.get(item.owner)?.length ?? 0) > 0 : true));
  if (wantsEndpoints) token = (await c.query<{ t: number }>("SELECT nextval('lease_tokens') AS t")).rows[0].t;
  for (const { item, i } of live) {
    const targets = item.endpoints === 'matching' ? (byOwner.get(item.owner) ?? []).filter((t) => matchesAny(patterns(t), item.event.type)) : [onlyTargets.get(item.endpoints.only)!];
    const claimed: ClaimedDelivery[] = [];
    for (const t of targets) {
      const row: DeliveryRow = { id: sortableId('dlv', now), owner: item.owner, event_id: item.event.id, event_type: item.event.type, endpoint_id: t.id, session_id: null, url: t.url, status: 'pending', attempt_count: 0, last_status_code: null, last_error: null, next_attempt_at: now, manual: 0, created: iso, updated: iso };
      rows.push(row);
      const target: EndpointTarget = { id: t.id, owner: t.owner, url: t.url, secret: t.secret, status: t.status, events: patterns(t) };
      claimed.push({ row, token, body: item.event.body, target });
    }
    claimedOf.set(i, claimed);
  }

  // 4. Session deliveries now; their log rows (and sequence numbers) last, so the session rows stay
  //    locked as briefly as possible: one statement, then COMMIT.
  const logs: (Omit<LogInsert, 'seq'> & { k: number })[] = [];
  const sessionDeliveries = new Map<number, DeliveryRow[]>();
  const sessionsOf = new Map<number, string[]>();
  const sessionOwners = [...new Set(live.filter(({ item }) => item.sessions).map(({ item }) => item.owner))];
  const counts = new Map<string, number>();
  if (sessionOwners.length) {
    const { rows: sessions } = await c.query<{ id: string; owner: string; events: string; target_url: string | null }>('SELECT id, owner, events, target_url FROM listen_sessions WHERE owner = ANY($1)', [sessionOwners]);
    for (const { item, i } of live) {
      if (!item.sessions) continue;
      const dels: DeliveryRow[] = [];
      for (const sess of sessions) {
        if (sess.owner !== item.owner || !matchesAny(patterns(sess), item.event.type)) continue;
        const k = (counts.get(sess.id) ?? 0) + 1;
        counts.set(sess.id, k);
        const row: DeliveryRow = { id: sortableId('dlv', now), owner: item.owner, event_id: item.event.id, event_type: item.event.type, endpoint_id: null, session_id: sess.id, url: sess.target_url ?? `listen:${sess.id}`, status: 'pending', attempt_count: 0, last_status_code: null, last_error: null, next_attempt_at: null, manual: 0, created: iso, updated: iso };
        dels.push(row);
        logs.push({ session_id: sess.id, k, event_id: item.event.id, type: item.event.type, created: item.event.created, body: item.event.body, delivery_id: row.id });
      }
      sessionDeliveries.set(i, dels);
      sessionsOf.set(i, dels.map((d) => d.session_id!));
      rows.push(...dels);
    }
  }

  await insertDeliveries(c, rows, token, now + leaseMs, ctx.node);
  if (counts.size) {
    const ids = [...counts.keys()].sort();
    // Locked in id order (two groups cannot deadlock), numbered from the session row, appended: one statement.
    const { rows: grown } = await c.query<{ id: string; last_seq: number; acked_seq: number; n: number }>(
      `WITH l AS (SELECT id FROM listen_sessions WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE),
       u AS (UPDATE listen_sessions s SET last_seq = s.last_seq + c.n FROM unnest($1::text[], $2::int[]) AS c(id, n)
             WHERE s.id = c.id AND s.id IN (SELECT id FROM l) RETURNING s.id, s.last_seq, s.acked_seq, c.n),
       ins AS (INSERT INTO listen_log (session_id, seq, event_id, type, created, body, delivery_id, appended_at)
               SELECT r.s, u.last_seq - u.n + r.k, r.e, r.t, r.cr, r.b, r.d, $10
               FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS r(s, k, e, t, cr, b, d) JOIN u ON u.id = r.s)
       SELECT id, last_seq, acked_seq, n FROM u`,
      [ids, ids.map((id) => counts.get(id)!), logs.map((l) => l.session_id), logs.map((l) => l.k), logs.map((l) => l.event_id), logs.map((l) => l.type), logs.map((l) => l.created), logs.map((l) => l.body), logs.map((l) => l.delivery_id), now],
    );
    // A session deleted since it was read gets nothing: its delivery rows of this group go again.
    const kept = new Set(grown.map((g) => g.id));
    const orphans = logs.filter((l) => !kept.has(l.session_id)).map((l) => l.delivery_id);
    if (orphans.length) {
      await c.query('DELETE FROM deliveries WHERE id = ANY($1)', [orphans]);
      const gone = new Set(orphans);
      for (const [i, dels] of sessionDeliveries) {
        sessionDeliveries.set(i, dels.filter((d) => !gone.has(d.id)));
        sessionsOf.set(i, (sessionsOf.get(i) ?? []).filter((id) => kept.has(id)));
      }
    }
    // Bounded backlog: a session nobody acknowledges keeps its newest maxEvents rows (checked every 100).
    for (const g of grown) {
      const before = g.last_seq - g.n;
      if (Math.floor(g.last_seq / 100) === Math.floor(before / 100) || g.last_seq - g.acked_seq <= ctx.limits.maxEvents) continue;
      await dropUpTo(c, g.id, g.last_seq - ctx.limits.maxEvents, DROPPED.backlog(ctx.limits.maxEvents), now);
    }
  }

  return items.map((item, i) => {
    const failed = out[i];
    if (failed) return failed;
    const claimed = claimedOf.get(i) ?? [];
    const deliveries: Delivery[] = [...claimed.map((x) => toDelivery(x.row)), ...(sessionDeliveries.get(i) ?? []).map(toDelivery)];
    return { event: item.event, deliveries, claimed, sessionIds: sessionsOf.get(i) ?? [] };
  });
}

async function insertDeliveries(c: PoolClient, rows: DeliveryRow[], token: number, leaseUntil: number, node: string): Promise<void> {
  if (!rows.length) return;
  const leased = rows.map((r) => r.endpoint_id !== null);
  await c.query(
    `INSERT INTO deliveries (id, owner, event_id, event_type, endpoint_id, session_id, url, status, next_attempt_at, created, updated, due_at, lease_token, lease_node)
     SELECT id, owner, ev, et, ep, se, url, 'pending', na, cr, cr, du, tk, nd
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::bigint[], $11::bigint[], $12::text[])
       AS x(id, owner, ev, et, ep, se, url, na, cr, du, tk, nd)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.owner),
      rows.map((r) => r.event_id),
      rows.map((r) => r.event_type),
      rows.map((r) => r.endpoint_id),
      rows.map((r) => r.session_id),
      rows.map((r) => r.url),
      rows.map((r) => r.next_attempt_at),
      rows.map((r) => r.created),
      leased.map((l) => (l ? leaseUntil : null)),
      leased.map((l) => (l ? token : null)),
      leased.map((l) => (l ? node : null)),
    ],
  );
}

/** Log rows up to `upTo` go; their session deliveries are failed with the reason, for good. Returns the failed deliveries. */
export async function dropUpTo(c: Pick<PoolClient, 'query'>, sessionId: string, upTo: number, reason: string, now: number): Promise<DeliveryRow[]> {
  const { rows } = await c.query<DeliveryRow>(
    `UPDATE deliveries SET status = 'failed', last_error = $3, next_attempt_at = NULL, updated = $4
     WHERE id IN (SELECT delivery_id FROM listen_log WHERE session_id = $1 AND seq <= $2) AND status = 'pending' RETURNING *`,
    [sessionId, upTo, reason, new Date(now).toISOString()],
  );
  await c.query('DELETE FROM listen_log WHERE session_id = $1 AND seq <= $2', [sessionId, upTo]);
  return rows;
}
