// Listen sessions on PostgreSQL: their logs (written by accept), ownership epochs (the node serving the
// socket) and acks. An ack moves the cursor and records its attempt only while its epoch still holds,
// so a node that lost the session (its client reconnected elsewhere) cannot move the new owner's cursor.
import { matchesAny } from '../../../domain/event-types.js';
import { generateSecret } from '../../../signing/sign.js';
import { isoSeconds, newId } from '../../../util/ids.js';
import { sortableId } from '../../ids.js';
import type { EmulatorBus } from '../../bus.js';
import { DROPPED, sessionOutcome, toDelivery, toSessionRow } from '../rows.js';
import type { DeliveryRow, LogRow, Notifier, SessionAck, SessionLimits, SessionRow, SessionsStore } from '../store.js';
import { transaction, type Pool, type Queryable } from './db.js';
import { dropUpTo } from './accept.js';
import { insertAttempts } from './deliveries.js';

type SessionRecord = Omit<SessionRow, 'events' | 'targets' | 'connected' | 'expires_at'> & { events: string; targets: string | null; epoch: number; node: string | null; idle_since: number | null; seen_at: number | null };

/** A node refreshes its connected sessions this often; one not refreshed for STALE_MS is idle (its node died). */
export const REFRESH_MS = 15_000;
const STALE_MS = 3 * REFRESH_MS;

export class PgSessions implements SessionsStore {
  constructor(
    private readonly pool: Pool,
    readonly limits: SessionLimits,
    private readonly notifier: Notifier,
    private readonly bus?: EmulatorBus,
  ) {}

  async secret(owner: string): Promise<string> {
    // Insert-if-missing in one statement: two nodes asking at once get the same secret.
    const { rows } = await this.pool.query<{ secret: string }>(
      `WITH ins AS (INSERT INTO listen_secrets (owner, secret, updated) VALUES ($1, $2, $3) ON CONFLICT (owner) DO NOTHING RETURNING secret)
       SELECT secret FROM ins UNION ALL SELECT secret FROM listen_secrets WHERE owner = $1 LIMIT 1`,
      [owner, generateSecret(), new Date().toISOString()],
    );
    if (rows.length) return rows[0].secret;
    // Another node inserted it after this statement's snapshot: it is committed now.
    const again = await this.pool.query<{ secret: string }>('SELECT secret FROM listen_secrets WHERE owner = $1', [owner]);
    return again.rows[0].secret;
  }

  async rotateSecret(owner: string): Promise<string> {
    const secret = generateSecret();
    await this.pool.query('INSERT INTO listen_secrets (owner, secret, updated) VALUES ($1, $2, $3) ON CONFLICT (owner) DO UPDATE SET secret = excluded.secret, updated = excluded.updated', [owner, secret, new Date().toISOString()]);
    this.notifier.publish('secret-rotated', owner);
    return secret;
  }

  async create(owner: string, input: { events: string[]; label: string | null; sinceSec?: number; durable?: boolean; targets?: string[] }): Promise<SessionRow> {
    const id = newId('ls');
    const created = isoSeconds();
    const now = Date.now();
    const targets = input.targets?.length ? input.targets : [];
    const row = await transaction(this.pool, async (c) => {
      await c.query('INSERT INTO listen_sessions (id, owner, label, events, created, durable, targets, idle_since) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        id,
        owner,
        input.label,
        JSON.stringify(input.events),
        created,
        input.durable === true,
        targets.length ? JSON.stringify(targets) : null,
        now,
      ]);
      let last = 0;
      if (input.sinceSec) {
        const from = isoSeconds(Date.now() - input.sinceSec * 1000);
        const { rows } = await c.query<{ id: string; type: string; created: string; body: string }>('SELECT id, type, created, body FROM events WHERE owner = $1 AND created >= $2 ORDER BY seq', [owner, from]);
        const picked = rows.filter((e) => matchesAny(input.events, e.type));
        if (picked.length) {
          const now = Date.now();
          const iso = new Date(now).toISOString();
          const dids = picked.map(() => sortableId('dlv', now));
          await c.query(
            `INSERT INTO deliveries (id, owner, event_id, event_type, endpoint_id, session_id, url, status, created, updated)
             SELECT d, $1, e, t, NULL, $2, $3, 'pending', $4, $4 FROM unnest($5::text[], $6::text[], $7::text[]) AS x(d, e, t)`,
            [owner, id, `listen:${id}`, iso, dids, picked.map((e) => e.id), picked.map((e) => e.type)],
          );
          await c.query(
            'INSERT INTO listen_log (session_id, seq, event_id, type, created, body, delivery_id, appended_at) SELECT $1, q, e, t, cr, b, d, $2 FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS x(q, e, t, cr, b, d)',
            [id, now, picked.map((_, i) => i + 1), picked.map((e) => e.id), picked.map((e) => e.type), picked.map((e) => e.created), picked.map((e) => e.body), dids],
          );
          last = picked.length;
          await c.query('UPDATE listen_sessions SET last_seq = $2 WHERE id = $1', [id, last]);
        }
      }
      const durable = input.durable === true;
      return { id, owner, label: input.label, events: input.events, created, last_seq: last, acked_seq: 0, target_url: null, durable, targets, connected: false, expires_at: durable ? null : now + this.limits.idleMs };
    });
    if (row.last_seq) this.notifier.publish('sessions', [id]);
    return row;
  }

  async get(id: string): Promise<SessionRow | undefined> {
    const { rows } = await this.pool.query<SessionRecord>('SELECT * FROM listen_sessions WHERE id = $1', [id]);
    return rows[0] && this.toRow(rows[0]);
  }

  async list(owner: string): Promise<SessionRow[]> {
    const { rows } = await this.pool.query<SessionRecord>('SELECT * FROM listen_sessions WHERE owner = $1 ORDER BY created DESC, id DESC', [owner]);
    return rows.map((r) => this.toRow(r));
  }

  async setConnected(ids: string[], connected: boolean, node: string, now = Date.now()): Promise<void> {
    if (!ids.length) return;
    // Only while this node holds the session: a socket closing here after another node took over says nothing.
    await this.pool.query(`UPDATE listen_sessions SET idle_since = ${connected ? 'NULL' : '$3'}, seen_at = $3 WHERE id = ANY($1) AND node = $2`, [ids, node, now]);
  }

  async expireIdle(now: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string; owner: string }>(
      `SELECT id, owner FROM listen_sessions
       WHERE NOT durable AND COALESCE(idle_since, CASE WHEN seen_at < $2 THEN seen_at END) <= $1`,
      [now - this.limits.idleMs, now - STALE_MS],
    );
    const minutes = Math.max(1, Math.round(this.limits.idleMs / 60_000));
    const gone: string[] = [];
    for (const r of rows) if (await this.delete(r.owner, r.id, DROPPED.expired(minutes))) gone.push(r.id);
    return gone;
  }

  async delete(owner: string, id: string, reason: string = DROPPED.deleted): Promise<boolean> {
    const deleted = await transaction(this.pool, async (c) => {
      const { rows } = await c.query('DELETE FROM listen_sessions WHERE id = $1 AND owner = $2 RETURNING id', [id, owner]);
      if (!rows.length) return false;
      await dropUpTo(c, id, Number.MAX_SAFE_INTEGER, reason, Date.now());
      return true;
    });
    if (deleted) this.notifier.publish('session-deleted', id);
    return deleted;
  }

  async claim(id: string, node: string): Promise<number> {
    const { rows } = await this.pool.query<{ epoch: number }>('UPDATE listen_sessions SET epoch = epoch + 1, node = $2 WHERE id = $1 RETURNING epoch', [id, node]);
    const epoch = rows[0]?.epoch ?? 0;
    if (epoch) this.notifier.publish('session-claimed', id, epoch, node);
    return epoch;
  }

  async epoch(id: string): Promise<number> {
    const { rows } = await this.pool.query<{ epoch: number }>('SELECT epoch FROM listen_sessions WHERE id = $1', [id]);
    return rows[0]?.epoch ?? 0;
  }

  async read(id: string, afterSeq: number, limit: number): Promise<LogRow[]> {
    const { rows } = await this.pool.query<LogRow>('SELECT seq, event_id, type, created, body, delivery_id FROM listen_log WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [id, afterSeq, limit]);
    return rows;
  }

  async recordAcks(acks: SessionAck[]): Promise<void> {
    if (!acks.length) return;
    const recorded: DeliveryRow[] = [];
    await transaction(this.pool, async (c) => {
      const ids = [...new Set(acks.map((a) => a.sessionId))].sort();
      // Locked in id order (as accept does), so the epoch read here holds until commit.
      const { rows } = await c.query<{ id: string; epoch: number }>('SELECT id, epoch FROM listen_sessions WHERE id = ANY($1) ORDER BY id FOR UPDATE', [ids]);
      const epochs = new Map(rows.map((r) => [r.id, r.epoch]));
      const valid = acks.filter((a) => epochs.get(a.sessionId) === a.epoch);
      if (!valid.length) return;
      const updated = new Date().toISOString();
      const { rows: updatedRows } = await c.query<DeliveryRow>(
        `UPDATE deliveries d SET attempt_count = d.attempt_count + 1, status = a.status, last_status_code = a.code, last_error = a.err,
           url = COALESCE(a.url, d.url), updated = $7
         FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[]) AS a(id, status, code, err, url, owner_session)
         WHERE d.id = a.id AND d.session_id = a.owner_session RETURNING d.*`,
        [valid.map((a) => a.deliveryId), valid.map((a) => (a.final ? sessionOutcome(a.attempt.status_code) : 'pending')), valid.map((a) => a.attempt.status_code), valid.map((a) => a.attempt.error), valid.map((a) => a.url), valid.map((a) => a.sessionId), updated],
      );
      const after = new Map(updatedRows.map((r) => [r.id, r]));
      // The attempt number is the count just incremented.
      const results = valid.filter((a) => after.has(a.deliveryId)).map((a) => ({ row: after.get(a.deliveryId)!, attempt: { ...a.attempt, number: after.get(a.deliveryId)!.attempt_count } }));
      if (results.length) await insertAttempts(c, results);
      recorded.push(...results.map((r) => r.row));
      const cursors = new Map<string, { cursor: number; url: string | null }>();
      for (const a of valid) {
        if (!a.final) continue;
        const cur = cursors.get(a.sessionId);
        cursors.set(a.sessionId, { cursor: Math.max(cur?.cursor ?? 0, a.cursor), url: (a.url && !a.url.startsWith('listen:') ? a.url : null) ?? cur?.url ?? null });
      }
      const sids = [...cursors.keys()];
      if (!sids.length) return;
      await c.query(
        `UPDATE listen_sessions s SET acked_seq = GREATEST(s.acked_seq, c.cursor), target_url = COALESCE(c.url, s.target_url)
         FROM unnest($1::text[], $2::bigint[], $3::text[]) AS c(id, cursor, url) WHERE s.id = c.id`,
        [sids, sids.map((id) => cursors.get(id)!.cursor), sids.map((id) => cursors.get(id)!.url)],
      );
      await c.query('DELETE FROM listen_log l USING listen_sessions s WHERE s.id = ANY($1) AND l.session_id = s.id AND l.seq <= s.acked_seq', [sids]);
    });
    if (this.bus?.wants('delivery.updated')) for (const r of recorded) this.bus.emit('delivery.updated', toDelivery(r), r.owner);
  }

  async expire(now: number): Promise<number> {
    return transaction(this.pool, (c) => expireLog(c, now, this.limits));
  }

  private toRow(r: SessionRecord): SessionRow {
    const now = Date.now();
    const connected = r.idle_since === null && r.seen_at !== null && r.seen_at >= now - STALE_MS;
    // A session whose node stopped refreshing it (the node died) is idle since its last refresh.
    const idleFrom = r.idle_since ?? (r.seen_at !== null && r.seen_at < now - STALE_MS ? r.seen_at : null);
    return toSessionRow(r, connected, idleFrom === null ? null : idleFrom + this.limits.idleMs);
  }

}

/** Drop log rows past the age limit and fail their deliveries with the reason. Run inside a transaction. */
export async function expireLog(c: Queryable, now: number, limits: SessionLimits): Promise<number> {
  const cutoff = now - limits.maxAgeMs;
  const hours = Math.round(limits.maxAgeMs / 3_600_000);
  await c.query(
    `UPDATE deliveries SET status = 'failed', last_error = $2, next_attempt_at = NULL, updated = $3
     WHERE id IN (SELECT delivery_id FROM listen_log WHERE appended_at < $1) AND status = 'pending'`,
    [cutoff, DROPPED.age(hours), new Date(now).toISOString()],
  );
  const { rowCount } = await c.query('DELETE FROM listen_log WHERE appended_at < $1', [cutoff]);
  return rowCount ?? 0;
}
