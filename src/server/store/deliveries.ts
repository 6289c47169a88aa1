// Deliveries (dlv_…) and their attempts: the docs' "Event Logs". Endpoint deliveries are worked by the
// delivery engine; session deliveries (endpoint_id NULL) are recorded by the listen relay from CLI acks.
import type { Attempt, Delivery, DeliveryStatus } from '../../contract/v1.js';
import { sortableId } from '../ids.js';
import type { EmulatorBus } from '../bus.js';
import type { Db } from '../db/open.js';
import { conflict, notFound } from '../errors.js';
import { paginate, StatementCache, type Page, type PageQuery } from './paginate.js';
import { attemptOutcome } from './stats.js';
import { sessionOutcome, toAttempt, toDelivery, type AttemptRecord } from './rows.js';
import { DEFAULT_OWNER, type DeliveryRow as BaseRow } from './store.js';

export { applyAttempt, toDelivery } from './rows.js';

/** The stored row: the store's DeliveryRow plus its insertion order. */
export interface DeliveryRow extends BaseRow {
  seq: number;
}

/** A position in one endpoint's due order. */
export interface DueCursor {
  at: number;
  seq: number;
}

/** One finished attempt and the delivery row as it is afterwards. */
export interface AttemptResult {
  row: DeliveryRow;
  attempt: Attempt;
}

export interface DeliveryFilters {
  endpoint_id?: string;
  session_id?: string;
  event_id?: string;
  event_type?: string;
  status?: DeliveryStatus;
  /** ISO-8601 (toISOString form): deliveries with an attempt started at or after / before it. */
  attempted_from?: string;
  attempted_to?: string;
}

export class DeliveryStore {
  private readonly stmts: StatementCache;
  private readonly writeBatch: (results: AttemptResult[]) => void;
  private readonly writeSessionTx: (id: string, attempt: Omit<Attempt, 'number'>, final: boolean, url: string | undefined) => DeliveryRow;

  constructor(
    private readonly db: Db,
    private readonly bus: EmulatorBus,
  ) {
    this.stmts = new StatementCache(db);
    this.writeBatch = db.transaction((results: AttemptResult[]) => this.writeResults(results));
    this.writeSessionTx = db.transaction((id: string, attempt: Omit<Attempt, 'number'>, final: boolean, url: string | undefined) => this.writeSessionAttempt(id, attempt, final, url));
  }

  /** A pending delivery to an endpoint, due now. Call inside the event's transaction. */
  createForEndpoint(event: { id: string; type: string }, endpoint: { id: string; url: string; owner?: string }, now = Date.now()): DeliveryRow {
    return this.insert({ owner: endpoint.owner ?? DEFAULT_OWNER, event_id: event.id, event_type: event.type, endpoint_id: endpoint.id, session_id: null, url: endpoint.url, next_attempt_at: now });
  }

  /** A delivery to a listen session; the engine never touches it, the relay records its outcome. */
  createSessionDelivery(eventId: string, sessionId: string, url: string, eventType?: string, owner = DEFAULT_OWNER): Delivery {
    // The relay passes the type it has in hand (no read-back inside the event's transaction).
    let type = eventType;
    if (type === undefined) {
      const ev = this.stmts.get('SELECT type FROM events WHERE id = ?').get(eventId) as { type: string } | undefined;
      if (!ev) throw notFound('event', eventId);
      type = ev.type;
    }
    return toDelivery(this.insert({ owner, event_id: eventId, event_type: type, endpoint_id: null, session_id: sessionId, url, next_attempt_at: null }));
  }

  /** Session deliveries whose log rows the relay dropped (backlog limits): failed, with the reason, for good. */
  failDropped(ids: string[], error: string, now = Date.now()): void {
    if (!ids.length) return;
    const updated = new Date(now).toISOString();
    const stmt = this.stmts.get("UPDATE deliveries SET status = 'failed', last_error = ?, next_attempt_at = NULL, updated = ? WHERE id = ? AND status = 'pending' RETURNING *");
    const rows: DeliveryRow[] = [];
    for (const id of ids) rows.push(...(stmt.all(error, updated, id) as DeliveryRow[]));
    this.emitUpdated(rows);
  }

  /**
   * An attempt the CLI made for a session delivery: the final one decides (succeeded on 2xx, else
   * failed); one it will try again (`final` false: the receiver was down) leaves the delivery pending.
   */
  recordSessionAttempt(deliveryId: string, attempt: Omit<Attempt, 'number'>, final = true, url?: string): void {
    // Inside the ack batch's transaction already: no savepoint of its own (two statements per ack).
    const row = this.db.inTransaction ? this.writeSessionAttempt(deliveryId, attempt, final, url) : this.writeSessionTx(deliveryId, attempt, final, url);
    this.emitUpdated([row]);
  }

  /**
   * One ack, written in place: the row is updated and read back by one statement (RETURNING), not
   * SELECTed and rebuilt first (that was ~1.4 KB of garbage per ack on the relay's hot path).
   */
  private writeSessionAttempt(deliveryId: string, attempt: Omit<Attempt, 'number'>, final: boolean, url: string | undefined): DeliveryRow {
    const status = final ? sessionOutcome(attempt.status_code) : 'pending';
    const row = this.stmts
      .get(
        // Where the client forwarded it (the session delivery was created before the client said).
        `UPDATE deliveries SET status = ?, attempt_count = attempt_count + 1, last_status_code = ?, last_error = ?, next_attempt_at = NULL, manual = 0, url = coalesce(?, url), updated = ? WHERE id = ? RETURNING *`,
      )
      .get(status, attempt.status_code, attempt.error, url || null, new Date().toISOString(), deliveryId) as DeliveryRow | undefined;
    if (!row) throw notFound('delivery', deliveryId);
    this.insertAttempt(row, attempt, row.attempt_count);
    return row;
  }

  /** Record finished attempts in one transaction, then tell listeners. */
  recordResults(results: AttemptResult[]): void {
    if (!results.length) return;
    this.writeBatch(results);
    this.announce(results);
  }

  /** Inside the caller's open transaction: the attempts, and their rows as they are after them. */
  writeResults(results: AttemptResult[]): void {
    for (const r of results) this.writeResult(r);
  }

  /** Tell listeners about written results (after their commit). */
  announce(results: AttemptResult[]): void {
    if (this.bus.wants('delivery.updated')) this.emitUpdated(results.map((r) => r.row));
  }

  /** delivery.updated for rows as written; the public object is built only when someone watches. */
  private emitUpdated(rows: DeliveryRow[]): void {
    if (!this.bus.wants('delivery.updated')) return;
    for (const r of rows) this.bus.emit('delivery.updated', toDelivery(r), r.owner);
  }

  /** A hand retry: one more attempt, due now. 409 while the delivery is still pending. */
  markManualRetry(id: string, now = Date.now(), owner?: string): DeliveryRow {
    const row = this.row(id, owner);
    if (row.status === 'pending') throw conflict(`Delivery ${id} is still pending (next attempt ${row.next_attempt_at ? new Date(row.next_attempt_at).toISOString() : 'soon'}); retry it once it has succeeded or failed`, 'delivery_pending', 'id');
    if (row.endpoint_id === null) throw conflict(`Delivery ${id} goes to a listen session; replay it with \`propitbox events replay ${row.event_id}\``, 'session_delivery', 'id');
    const next: DeliveryRow = { ...row, status: 'pending', manual: 1, next_attempt_at: now, updated: new Date(now).toISOString() };
    this.stmts.get('UPDATE deliveries SET status = @status, manual = 1, next_attempt_at = @next_attempt_at, updated = @updated WHERE id = @id').run(next);
    this.bus.emit('delivery.updated', toDelivery(next), next.owner);
    return next;
  }

  /** With `owner`, another owner's delivery is not found (so for list's `owner` filter). */
  get(id: string, withAttempts = true, owner?: string): Delivery {
    const d = toDelivery(this.row(id, owner));
    if (withAttempts) d.attempts = this.attempts(id);
    return d;
  }

  row(id: string, owner?: string): DeliveryRow {
    const row = this.stmts.get('SELECT * FROM deliveries WHERE id = ?').get(id) as DeliveryRow | undefined;
    if (!row || (owner !== undefined && row.owner !== owner)) throw notFound('delivery', id);
    return row;
  }

  list(filters: DeliveryFilters & { owner?: string }, page: PageQuery): Page<Delivery> {
    const { status, attempted_from, attempted_to, ...rest } = filters;
    // status is schema-validated (an enum), so it is safe as a literal.
    const raw: Parameters<typeof paginate>[5] = status && ['pending', 'succeeded', 'failed'].includes(status) ? [`status = '${status}'`] : [];
    // "Had an attempt in [from, to)": a range scan of the attempts_started index (the dashboard's chart bars).
    if (attempted_from !== undefined || attempted_to !== undefined) {
      raw.push({ sql: 'id IN (SELECT delivery_id FROM attempts WHERE started_at >= ? AND started_at < ?)', params: [attempted_from ?? '', attempted_to ?? '~'] });
    }
    const p = paginate<DeliveryRow>(this.stmts, 'deliveries', 'delivery', rest, page, raw);
    return { rows: p.rows.map(toDelivery), has_more: p.has_more };
  }

  attempts(deliveryId: string): Attempt[] {
    return (this.stmts.get('SELECT * FROM attempts WHERE delivery_id = ? ORDER BY number').all(deliveryId) as AttemptRecord[]).map(toAttempt);
  }

  // The engine's queries go through the partial due index (endpoint_id, next_attempt_at, seq) of pending
  // endpoint deliveries, one endpoint at a time: in its order, so no sort, and never through the settled
  // history (a scan of every delivery with a sort took 50-180 ms per claim at 100k stored).

  /** Endpoints with pending deliveries: one index seek per endpoint (a skip-scan), not a scan of the rows. */
  endpointsWithPending(): string[] {
    const next = this.stmts.get(
      "SELECT endpoint_id FROM deliveries INDEXED BY deliveries_due WHERE status = 'pending' AND endpoint_id IS NOT NULL AND endpoint_id > ? ORDER BY endpoint_id LIMIT 1",
    );
    const out: string[] = [];
    for (let r = next.get('') as { endpoint_id: string } | undefined; r; r = next.get(r.endpoint_id) as { endpoint_id: string } | undefined) out.push(r.endpoint_id);
    return out;
  }

  /** One endpoint's deliveries due by `now` after the cursor (next_attempt_at, seq), oldest due first. */
  dueAfter(endpointId: string, now: number, after: DueCursor, limit: number): (DueCursor & { id: string })[] {
    return this.stmts
      .get(
        `SELECT id, next_attempt_at AS at, seq FROM deliveries INDEXED BY deliveries_due
         WHERE status = 'pending' AND endpoint_id = ? AND next_attempt_at <= ? AND (next_attempt_at, seq) > (?, ?) ORDER BY next_attempt_at, seq LIMIT ?`,
      )
      .all(endpointId, now, after.at, after.seq, limit) as (DueCursor & { id: string })[];
  }

  /** A delivery row with its event's body (what a claim carries). */
  withBody(seq: number): (DeliveryRow & { body: string }) | undefined {
    return this.stmts.get('SELECT d.*, e.body FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.seq = ?').get(seq) as (DeliveryRow & { body: string }) | undefined;
  }

  /** When the next endpoint delivery falls due after `now`, or null: one index seek per endpoint. */
  earliestDueAfter(now: number): number | null {
    const first = this.stmts.get(
      "SELECT MIN(next_attempt_at) AS t FROM deliveries INDEXED BY deliveries_due WHERE status = 'pending' AND endpoint_id = ? AND next_attempt_at > ?",
    );
    let min: number | null = null;
    for (const id of this.endpointsWithPending()) {
      const t = (first.get(id, now) as { t: number | null }).t;
      if (t !== null && (min === null || t < min)) min = t;
    }
    return min;
  }

  private insert(d: Pick<DeliveryRow, 'owner' | 'event_id' | 'event_type' | 'endpoint_id' | 'session_id' | 'url' | 'next_attempt_at'>): DeliveryRow {
    const now = new Date().toISOString();
    // Field by field, not `...d`: one object per delivery (a spread copies through a second one).
    const row: DeliveryRow = {
      seq: 0,
      id: sortableId('dlv'),
      owner: d.owner,
      event_id: d.event_id,
      event_type: d.event_type,
      endpoint_id: d.endpoint_id,
      session_id: d.session_id,
      url: d.url,
      status: 'pending',
      attempt_count: 0,
      last_status_code: null,
      last_error: null,
      next_attempt_at: d.next_attempt_at,
      manual: 0,
      created: now,
      updated: now,
    };
    const info = this.stmts
      .get(
        `INSERT INTO deliveries (id, owner, event_id, event_type, endpoint_id, session_id, url, status, attempt_count, next_attempt_at, manual, created, updated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?)`,
      )
      .run(row.id, row.owner, row.event_id, row.event_type, row.endpoint_id, row.session_id, row.url, row.status, row.next_attempt_at, row.created, row.updated);
    row.seq = Number(info.lastInsertRowid);
    return row;
  }

  private writeResult({ row, attempt }: AttemptResult): void {
    this.insertAttempt(row, attempt, attempt.number);
    this.stmts
      .get(
        `UPDATE deliveries SET status = ?, attempt_count = ?, last_status_code = ?, last_error = ?, next_attempt_at = ?, manual = ?, url = ?, updated = ? WHERE id = ?`,
      )
      .run(row.status, row.attempt_count, row.last_status_code, row.last_error, row.next_attempt_at, row.manual, row.url, row.updated, row.id);
  }

  /** The attempt row; `row` is the delivery as it is after the attempt (its status gives the outcome). */
  private insertAttempt(row: DeliveryRow, a: Omit<Attempt, 'number'>, number: number): void {
    this.stmts
      .get(
        `INSERT OR REPLACE INTO attempts (delivery_id, number, started_at, duration_ms, status_code, error, request_headers, response_headers, response_body, manual, outcome, endpoint_id, session_id, event_type, owner)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.id, number, a.started_at, a.duration_ms, a.status_code, a.error, JSON.stringify(a.request_headers), JSON.stringify(a.response_headers), a.response_body, a.manual ? 1 : 0, attemptOutcome(row.status), row.endpoint_id, row.session_id, row.event_type, row.owner ?? DEFAULT_OWNER);
  }
}
