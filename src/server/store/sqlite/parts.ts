// The SQLite store's parts behind the async interface: thin adapters over the synchronous stores
// (better-sqlite3), which keep their prepared statements, group commit and in-memory session tails.
import type { Attempt, Delivery, Endpoint, WebhookEvent } from '../../../contract/v1.js';
import { storageErrorCode } from '../../storage-health.js';
import { endpointDelivery, toDelivery, toSessionRow } from '../rows.js';
import type { Db } from '../../db/open.js';
import type { SessionStore, SessionRow as SqliteSessionRow } from '../../relay/session-store.js';
import type { DeliveryStore, DeliveryRow as SqliteDeliveryRow } from '../deliveries.js';
import type { EndpointStore } from '../endpoints.js';
import type { EventStore } from '../events.js';
import type {
  ApiKeyRecord,
  AttemptResult,
  ClaimedDelivery,
  ClaimOptions,
  DeliveriesStore,
  DeliveryFilters,
  EndpointPatch,
  EndpointsStore,
  EventDeliveryFilter,
  EventsStore,
  KeysStore,
  LogRow,
  Notifier,
  Page,
  PageQuery,
  SessionAck,
  SessionRow,
  SessionsStore,
  StoredEvent,
} from '../store.js';
import type { Leases } from './leases.js';
import type { Piggyback } from './piggyback.js';

export class SqliteEndpoints implements EndpointsStore {
  constructor(private readonly s: EndpointStore) {}
  async create(owner: string, input: { url: string; events: string[]; description?: string | null }): Promise<Endpoint> {
    return this.s.create(input, owner);
  }
  async list(owner: string, page: PageQuery): Promise<Page<Endpoint>> {
    return this.s.list(page, owner);
  }
  async get(owner: string, id: string): Promise<Endpoint> {
    return this.s.get(id, false, owner);
  }
  async secret(owner: string, id: string): Promise<string> {
    return this.s.secret(id, owner);
  }
  async update(owner: string, id: string, patch: EndpointPatch): Promise<Endpoint> {
    return this.s.update(id, patch, owner);
  }
  async rotateSecret(owner: string, id: string): Promise<Endpoint> {
    return this.s.rotateSecret(id, owner);
  }
  async delete(owner: string, id: string): Promise<Endpoint> {
    return this.s.delete(id, owner);
  }
  async enabled(owner: string): Promise<{ id: string; url: string }[]> {
    return this.s.enabled().filter((t) => t.owner === owner);
  }
}

export class SqliteEvents implements EventsStore {
  constructor(private readonly s: EventStore) {}
  async get(owner: string, id: string): Promise<StoredEvent> {
    return this.s.get(id, owner);
  }
  async list(owner: string, page: PageQuery, type?: string, byDelivery?: EventDeliveryFilter): Promise<Page<WebhookEvent>> {
    return this.s.list(page, type, owner, byDelivery);
  }
}

export class SqliteDeliveries implements DeliveriesStore {
  constructor(
    private readonly s: DeliveryStore,
    private readonly events: EventStore,
    private readonly endpoints: EndpointStore,
    private readonly leases: Leases,
    private readonly piggyback: Piggyback,
  ) {}

  async get(owner: string, id: string, withAttempts = true): Promise<Delivery> {
    return this.s.get(id, withAttempts, owner);
  }

  async list(owner: string, filters: DeliveryFilters, page: PageQuery): Promise<Page<Delivery>> {
    return this.s.list({ ...filters, owner }, page);
  }

  async retry(owner: string, id: string): Promise<ClaimedDelivery> {
    const now = Date.now();
    const row = this.s.markManualRetry(id, now, owner);
    return this.claimed(row, this.events.get(row.event_id).body);
  }

  async recordClientAttempt(owner: string, id: string, attempt: Omit<Attempt, 'number'>): Promise<Delivery> {
    const row = this.s.row(id, owner);
    if (row.endpoint_id !== null) throw endpointDelivery(row.id);
    this.s.recordSessionAttempt(row.id, attempt);
    return this.s.get(row.id, true);
  }

  async claimDue(o: ClaimOptions): Promise<ClaimedDelivery[]> {
    if (o.limit <= 0) return [];
    const excluded = new Set(o.excludeEndpoints ?? []);
    // A fair share of the limit per endpoint (a backlog on one does not hold up the others), then what
    // is left to those that have more.
    let open = this.s.endpointsWithPending().filter((id) => !excluded.has(id)).map((id) => ({ id, after: { at: -1, seq: 0 }, more: true }));
    const seqs: number[] = [];
    while (seqs.length < o.limit && open.length) {
      const share = Math.ceil((o.limit - seqs.length) / open.length);
      for (const ep of open) {
        const want = Math.min(share, o.limit - seqs.length);
        let taken = 0;
        // Rows this process holds are due too: read past them, a page at a time.
        while (taken < want && ep.more) {
          const size = want - taken + 32;
          const page = this.s.dueAfter(ep.id, o.now, ep.after, size);
          let i = 0;
          for (; i < page.length && taken < want; i++) {
            ep.after = page[i];
            if (this.leases.busy(page[i].id)) continue;
            seqs.push(page[i].seq);
            taken++;
          }
          ep.more = i < page.length || page.length === size;
        }
      }
      open = open.filter((ep) => ep.more);
    }
    const out: ClaimedDelivery[] = [];
    for (const seq of seqs) {
      const r = this.s.withBody(seq);
      if (!r) continue;
      const { body, ...row } = r;
      out.push(this.claimed(row, body));
    }
    return out;
  }

  async release(claims: { id: string; token: number }[]): Promise<void> {
    for (const c of claims) this.leases.drop(c.id, c.token);
  }

  async recordResults(results: (AttemptResult & { token: number })[]): Promise<Delivery[]> {
    const kept = results.filter((r) => this.leases.holds(r.row.id, r.token));
    if (!kept.length) return [];
    // Held for the next event's transaction, a few ms at most: one commit for both, and the newest
    // leaves of deliveries that it writes anyway are mostly these rows'.
    const written = kept as unknown as { row: SqliteDeliveryRow; attempt: AttemptResult['attempt'] }[];
    await this.piggyback.add(() => this.s.writeResults(written));
    for (const r of kept) this.leases.drop(r.row.id, r.token);
    this.s.announce(written);
    // The rows as written (no read-back: this runs for every attempt).
    return kept.map((r) => toDelivery(r.row));
  }

  async nextDueAt(now: number): Promise<number | null> {
    return this.s.earliestDueAfter(now);
  }

  /** Leased until given back or written (one process: nobody else could take it over). */
  claimed(row: SqliteDeliveryRow, body: string): ClaimedDelivery {
    const { seq: _seq, ...plain } = row;
    return { row: plain, token: this.leases.take(row.id), body, target: this.endpoints.target(row.endpoint_id!) };
  }
}

export class SqliteSessions implements SessionsStore {
  constructor(
    private readonly s: SessionStore,
    private readonly deliveries: DeliveryStore,
    private readonly notifier: Notifier,
    private readonly piggyback: Piggyback,
  ) {}

  /** Inside a transaction: every attempt, then each touched session's cursor and log trim. */
  private writeAcks(acks: SessionAck[]): void {
    const touched = new Set<string>();
    for (const a of acks) {
      if (a.final) touched.add(a.sessionId);
      try {
        this.deliveries.recordSessionAttempt(a.deliveryId, a.attempt, a.final, a.url ?? undefined);
      } catch (err) {
        // The delivery row is gone (data reset): the cursor still moves. A full disk is not that.
        if (storageErrorCode(err)) throw err;
      }
    }
    for (const id of touched) this.s.persistAcked(id);
  }

  get limits() {
    return this.s.limits;
  }

  async secret(owner: string): Promise<string> {
    return this.s.secretFor(owner);
  }

  async rotateSecret(owner: string): Promise<string> {
    const secret = this.s.rotateSecret(owner);
    this.notifier.publish('secret-rotated', owner);
    return secret;
  }

  async create(owner: string, input: { events: string[]; label: string | null; sinceSec?: number; durable?: boolean; targets?: string[] }): Promise<SessionRow> {
    const row = this.toRow(this.s.create(owner, { ...input, eventsOwner: owner }));
    if (row.last_seq) this.notifier.publish('sessions', [row.id]);
    return row;
  }

  async get(id: string): Promise<SessionRow | undefined> {
    const r = this.s.get(id);
    return r && this.toRow(r);
  }

  async list(owner: string): Promise<SessionRow[]> {
    return this.s.list(owner).map((r) => this.toRow(r));
  }

  async setConnected(ids: string[], connected: boolean, _node: string, now = Date.now()): Promise<void> {
    for (const id of ids) this.s.setConnected(id, connected, now);
  }

  async expireIdle(now: number): Promise<string[]> {
    const ids = this.s.expireIdle(this.limits.idleMs, now);
    for (const id of ids) this.notifier.publish('session-deleted', id);
    return ids;
  }

  async delete(owner: string, id: string): Promise<boolean> {
    const r = this.s.get(id);
    if (!r || r.key_hash !== owner) return false;
    this.s.delete(id);
    this.notifier.publish('session-deleted', id);
    return true;
  }

  async claim(id: string, node: string): Promise<number> {
    const epoch = this.s.claim(id);
    if (epoch) this.notifier.publish('session-claimed', id, epoch, node);
    return epoch;
  }

  async epoch(id: string): Promise<number> {
    return this.s.epoch(id);
  }

  async read(id: string, afterSeq: number, limit: number): Promise<LogRow[]> {
    // Rows from the in-memory tail carry their append time; the interface's rows do not.
    return this.s.read(id, afterSeq, limit).map(({ appended_at: _t, ...r }) => r);
  }

  async recordAcks(acks: SessionAck[]): Promise<void> {
    const valid = acks.filter((a) => this.s.epoch(a.sessionId) === a.epoch);
    for (const a of valid) if (a.final) this.s.noteAcked(a.sessionId, a.cursor, a.url);
    // Written once this tick's I/O is handled, inside an event transaction if one comes first. Not held
    // for a later one: that put the ack writes on the next sender's wait (serial POST /v1/events slower)
    // and saved nothing, the client already sends its acks in batches.
    if (valid.length) await this.piggyback.add(() => this.writeAcks(valid), true);
  }

  async expire(now: number): Promise<number> {
    return this.s.expire(now);
  }

  private toRow(r: SqliteSessionRow): SessionRow {
    const connected = this.s.isConnected(r.id);
    return toSessionRow({ ...r, owner: r.key_hash, durable: r.durable === 1 }, connected, this.s.expiresAt(r.id, this.limits.idleMs));
  }

}

export class SqliteKeys implements KeysStore {
  private readonly st;

  constructor(
    db: Db,
    private readonly notifier: Notifier,
  ) {
    this.st = {
      insert: db.prepare('INSERT INTO api_keys (id, name, hash, prefix, created) VALUES (?, ?, ?, ?, ?)'),
      list: db.prepare('SELECT id, name, prefix, created, revoked FROM api_keys ORDER BY created DESC, id DESC'),
      revoke: db.prepare('UPDATE api_keys SET revoked = ? WHERE id = ? AND revoked IS NULL'),
      byHash: db.prepare('SELECT id, name, prefix, created, revoked FROM api_keys WHERE hash = ? AND revoked IS NULL'),
    };
  }

  async create(input: { id: string; name: string; hash: string; prefix: string }): Promise<ApiKeyRecord> {
    const created = new Date().toISOString();
    this.st.insert.run(input.id, input.name, input.hash, input.prefix, created);
    this.notifier.publish('keys');
    return { id: input.id, name: input.name, prefix: input.prefix, created, revoked: null };
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.st.list.all() as ApiKeyRecord[];
  }

  async revoke(id: string): Promise<boolean> {
    const ok = this.st.revoke.run(new Date().toISOString(), id).changes > 0;
    if (ok) this.notifier.publish('keys');
    return ok;
  }

  async byHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return this.st.byHash.get(hash) as ApiKeyRecord | undefined;
  }
}
