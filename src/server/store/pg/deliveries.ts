// Deliveries on PostgreSQL: the Event Logs, and the work queue of the delivery engines of every node.
// A row is claimable while pending and `due_at` has passed; a claim moves `due_at` to the end of its
// lease and stamps a fresh fencing token (FOR UPDATE SKIP LOCKED: nodes never wait for each other's
// claims). A result is written only where the token still matches: a node whose lease ran out and was
// taken over cannot overwrite the newer attempt.
import type { Attempt, Delivery } from '../../../contract/v1.js';
import { conflict, notFound } from '../../errors.js';
import { endpointDelivery, sessionOutcome, toAttempt, toDelivery, type AttemptRecord } from '../rows.js';
import { attemptOutcome } from '../stats.js';
import type { AttemptResult, ClaimedDelivery, ClaimOptions, DeliveriesStore, DeliveryFilters, DeliveryRow, Notifier, Page, PageQuery } from '../store.js';
import type { EmulatorBus } from '../../bus.js';
import { transaction, type Pool } from './db.js';
import { pgPage } from './paginate.js';

/** A claimed row joined with what the engine needs to attempt it. */
type ClaimRecord = DeliveryRow & { lease_token: number; body: string | null; t_id: string | null; t_owner: string; t_url: string; t_secret: string; t_status: 'enabled' | 'disabled'; t_events: string };

const CLAIMED_SELECT = `SELECT u.*, e.body, p.id AS t_id, p.owner AS t_owner, p.url AS t_url, p.secret AS t_secret, p.status AS t_status, p.events AS t_events
  FROM u LEFT JOIN events e ON e.id = u.event_id LEFT JOIN endpoints p ON p.id = u.endpoint_id`;

export class PgDeliveries implements DeliveriesStore {
  constructor(
    private readonly pool: Pool,
    private readonly node: string,
    private readonly notifier: Notifier,
    private readonly bus?: EmulatorBus,
  ) {}

  async get(owner: string, id: string, withAttempts = true): Promise<Delivery> {
    const { rows } = await this.pool.query<DeliveryRow>('SELECT * FROM deliveries WHERE id = $1 AND owner = $2', [id, owner]);
    if (!rows.length) throw notFound('delivery', id);
    const d = toDelivery(rows[0]);
    if (withAttempts) {
      const a = await this.pool.query<AttemptRecord>('SELECT * FROM attempts WHERE delivery_id = $1 ORDER BY number', [id]);
      d.attempts = a.rows.map(toAttempt);
    }
    return d;
  }

  async list(owner: string, filters: DeliveryFilters, page: PageQuery): Promise<Page<Delivery>> {
    const { status, attempted_from, attempted_to, ...rest } = filters;
    // status is schema-validated (an enum), so it is safe as a literal (and lets the partial index serve it).
    const raw: Parameters<typeof pgPage>[6] = status && ['pending', 'succeeded', 'failed'].includes(status) ? [`status = '${status}'`] : [];
    // "Had an attempt in [from, to)": a range scan of the attempts_started index (the dashboard's chart bars).
    if (attempted_from !== undefined || attempted_to !== undefined) {
      raw.push({ sql: 'id IN (SELECT delivery_id FROM attempts WHERE started_at >= $? AND started_at < $?)', params: [attempted_from ?? '', attempted_to ?? '~'] });
    }
    const p = await pgPage<DeliveryRow>(this.pool, 'deliveries', 'delivery', owner, rest, page, raw);
    return { rows: p.rows.map(toDelivery), has_more: p.has_more };
  }

  async retry(owner: string, id: string, leaseMs: number): Promise<ClaimedDelivery> {
    const now = Date.now();
    const { rows } = await this.pool.query<ClaimRecord>(
      `WITH u AS (
         UPDATE deliveries SET status = 'pending', manual = 1, next_attempt_at = $3, updated = $4, due_at = $5,
           lease_token = (SELECT nextval('lease_tokens')), lease_node = $6
         WHERE id = $1 AND owner = $2 AND status <> 'pending' AND endpoint_id IS NOT NULL RETURNING *)
       ${CLAIMED_SELECT}`,
      [id, owner, now, new Date(now).toISOString(), now + leaseMs, this.node],
    );
    if (rows.length) return toClaimed(rows[0]);
    const cur = await this.pool.query<DeliveryRow>('SELECT * FROM deliveries WHERE id = $1 AND owner = $2', [id, owner]);
    const row = cur.rows[0];
    if (!row) throw notFound('delivery', id);
    if (row.endpoint_id === null) throw conflict(`Delivery ${id} goes to a listen session; replay it with \`propitbox events replay ${row.event_id}\``, 'session_delivery', 'id');
    throw conflict(`Delivery ${id} is still pending (next attempt ${row.next_attempt_at ? new Date(row.next_attempt_at).toISOString() : 'soon'}); retry it once it has succeeded or failed`, 'delivery_pending', 'id');
  }

  async recordClientAttempt(owner: string, id: string, attempt: Omit<Attempt, 'number'>): Promise<Delivery> {
    const row = await transaction(this.pool, async (c) => {
      const { rows } = await c.query<DeliveryRow>(
        `UPDATE deliveries SET attempt_count = attempt_count + 1, status = $3, last_status_code = $4, last_error = $5, updated = $6
         WHERE id = $1 AND owner = $2 AND endpoint_id IS NULL RETURNING *`,
        [id, owner, sessionOutcome(attempt.status_code), attempt.status_code, attempt.error, new Date().toISOString()],
      );
      if (rows.length) await insertAttempts(c, [{ row: rows[0], attempt: { ...attempt, number: rows[0].attempt_count } }]);
      return rows[0];
    });
    if (!row) {
      const cur = await this.pool.query<DeliveryRow>('SELECT id FROM deliveries WHERE id = $1 AND owner = $2', [id, owner]);
      throw cur.rows.length ? endpointDelivery(id) : notFound('delivery', id);
    }
    return this.get(owner, id, true);
  }

  async claimDue(o: ClaimOptions): Promise<ClaimedDelivery[]> {
    if (o.limit <= 0) return [];
    const { rows } = await this.pool.query<ClaimRecord>(
      `WITH c AS (
         SELECT id FROM deliveries
         WHERE status = 'pending' AND endpoint_id IS NOT NULL AND due_at <= $1 AND NOT (endpoint_id = ANY($3::text[]))
         ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED),
       u AS (
         UPDATE deliveries d SET due_at = $4, lease_token = (SELECT nextval('lease_tokens')), lease_node = $5
         FROM c WHERE d.id = c.id RETURNING d.*)
       ${CLAIMED_SELECT}`,
      [o.now, o.limit, o.excludeEndpoints ?? [], o.now + o.leaseMs, this.node],
    );
    return rows.map(toClaimed);
  }

  async release(claims: { id: string; token: number }[]): Promise<void> {
    if (!claims.length) return;
    await this.pool.query(
      `UPDATE deliveries d SET due_at = d.next_attempt_at, lease_token = NULL, lease_node = NULL
       FROM unnest($1::text[], $2::bigint[]) AS r(id, token) WHERE d.id = r.id AND d.lease_token = r.token AND d.status = 'pending'`,
      [claims.map((c) => c.id), claims.map((c) => c.token)],
    );
    this.notifier.publish('work');
  }

  async recordResults(results: (AttemptResult & { token: number })[]): Promise<Delivery[]> {
    if (!results.length) return [];
    return transaction(this.pool, async (c) => {
      const r = results.map((x) => x.row);
      const { rows } = await c.query<{ id: string }>(
        `UPDATE deliveries d SET status = r.status, attempt_count = r.n, last_status_code = r.code, last_error = r.err,
           next_attempt_at = r.next, manual = r.manual, url = r.url, updated = r.updated,
           due_at = CASE WHEN r.status = 'pending' THEN r.next ELSE NULL END, lease_token = NULL, lease_node = NULL
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::int[], $6::text[], $7::bigint[], $8::smallint[], $9::text[], $10::text[])
           AS r(id, token, status, n, code, err, next, manual, url, updated)
         WHERE d.id = r.id AND d.lease_token = r.token RETURNING d.id`,
        [r.map((x) => x.id), results.map((x) => x.token), r.map((x) => x.status), r.map((x) => x.attempt_count), r.map((x) => x.last_status_code), r.map((x) => x.last_error), r.map((x) => x.next_attempt_at), r.map((x) => x.manual), r.map((x) => x.url), r.map((x) => x.updated)],
      );
      const written = new Set(rows.map((x) => x.id));
      const kept = results.filter((x) => written.has(x.row.id));
      if (kept.length) await insertAttempts(c, kept);
      return kept;
    }).then((kept) => {
      const out = kept.map((x) => toDelivery(x.row));
      if (this.bus?.wants('delivery.updated')) kept.forEach((x, i) => this.bus!.emit('delivery.updated', out[i], x.row.owner));
      return out;
    });
  }

  async nextDueAt(now: number): Promise<number | null> {
    const { rows } = await this.pool.query<{ t: number | null }>("SELECT min(due_at) AS t FROM deliveries WHERE status = 'pending' AND endpoint_id IS NOT NULL AND due_at > $1", [now]);
    return rows[0].t;
  }
}

export async function insertAttempts(c: Pick<Pool, 'query'>, results: AttemptResult[]): Promise<void> {
  const a = results.map((x) => ({ ...x.attempt, row: x.row }));
  await c.query(
    `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code, error, request_headers, response_headers, response_body, manual, outcome, endpoint_id, session_id, event_type, owner)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::smallint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
     ON CONFLICT (delivery_id, number) DO UPDATE SET started_at = excluded.started_at, duration_ms = excluded.duration_ms, status_code = excluded.status_code,
       error = excluded.error, request_headers = excluded.request_headers, response_headers = excluded.response_headers, response_body = excluded.response_body,
       manual = excluded.manual, outcome = excluded.outcome`,
    [
      a.map((x) => x.row.id),
      a.map((x) => x.number),
      a.map((x) => x.started_at),
      a.map((x) => Math.round(x.duration_ms)),
      a.map((x) => x.status_code),
      a.map((x) => x.error),
      a.map((x) => JSON.stringify(x.request_headers)),
      a.map((x) => JSON.stringify(x.response_headers)),
      a.map((x) => x.response_body),
      a.map((x) => (x.manual ? 1 : 0)),
      a.map((x) => attemptOutcome(x.row.status)),
      a.map((x) => x.row.endpoint_id),
      a.map((x) => x.row.session_id),
      a.map((x) => x.row.event_type),
      a.map((x) => x.row.owner),
    ],
  );
}

function toClaimed(r: ClaimRecord): ClaimedDelivery {
  const { lease_token, body, t_id, t_owner, t_url, t_secret, t_status, t_events, ...rest } = r;
  const row = pick(rest);
  const target = t_id ? { id: t_id, owner: t_owner, url: t_url, secret: t_secret, status: t_status, events: JSON.parse(t_events) as string[] } : undefined;
  return { row, token: lease_token, body: body ?? '', target };
}

/** Only the DeliveryRow fields (the table has lease columns the engine must not carry around). */
function pick(r: DeliveryRow): DeliveryRow {
  return {
    id: r.id, owner: r.owner, event_id: r.event_id, event_type: r.event_type, endpoint_id: r.endpoint_id, session_id: r.session_id, url: r.url, status: r.status,
    attempt_count: r.attempt_count, last_status_code: r.last_status_code, last_error: r.last_error, next_attempt_at: r.next_attempt_at, manual: r.manual, created: r.created, updated: r.updated,
  };
}
