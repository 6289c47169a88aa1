// The SQLite store: one process, one data dir (better-sqlite3, WAL, an exclusive lock). accept() writes
// a whole group of events in one transaction (group commit); if that fails, each event again in its own
// savepoint so only the bad one fails. Session-log rows join the in-memory tails only after commit.
import type { Delivery } from '../../../contract/v1.js';
import { EmulatorBus } from '../../bus.js';
import { closeDatabase, closeDatabaseNow, inTransaction, openDatabase, type Db } from '../../db/open.js';
import { duplicateEventId, endpointDisabled, notFound } from '../../errors.js';
import { storageErrorCode } from '../../storage-health.js';
import { createRelaySchema } from '../../relay/schema.js';
import { SessionStore } from '../../relay/session-store.js';
import { createIngestSchema } from '../ingest-schema.js';
import { DeliveryStore, type DeliveryRow as SqliteDeliveryRow } from '../deliveries.js';
import { EndpointStore, type EndpointTarget } from '../endpoints.js';
import { EventStore } from '../events.js';
import { LocalNotifier } from '../notifier.js';
import { toDelivery } from '../rows.js';
import type { AcceptItem, Accepted, ClaimedDelivery, RetentionResult, SessionLimits, Store } from '../store.js';
import { SqliteStats } from '../stats.js';
import { Leases } from './leases.js';
import { Piggyback } from './piggyback.js';
import { SqliteDeliveries, SqliteEndpoints, SqliteEvents, SqliteKeys, SqliteSessions } from './parts.js';

/**
 * How long a queued write (the delivery engine's results) may wait for the next event transaction to
 * share its commit; with none it commits alone after this. Writes queued as urgent (listen acks) wait
 * for no later transaction, only for the I/O of the current tick.
 */
const WRITE_WAIT_MS = 2;

export interface SqliteStoreOptions {
  dataDir: string;
  /** Told about what opening changed (a data dir made private). */
  log?: (line: string) => void;
  bus?: EmulatorBus;
  limits?: SessionLimits;
}

interface Written {
  item: AcceptItem;
  rows: SqliteDeliveryRow[];
  fromSessions: Delivery[];
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly node = 'local';
  readonly notifier = new LocalNotifier();
  readonly bus: EmulatorBus;
  readonly endpointStore: EndpointStore;
  readonly eventStore: EventStore;
  readonly deliveryStore: DeliveryStore;
  readonly sessionStore: SessionStore;
  readonly endpoints: SqliteEndpoints;
  readonly events: SqliteEvents;
  readonly deliveries: SqliteDeliveries;
  readonly sessions: SqliteSessions;
  readonly keys: SqliteKeys;
  readonly stats: SqliteStats;
  private readonly leases = new Leases();
  /** Ack writes waiting to share the next event transaction's commit. */
  readonly piggyback: Piggyback;
  /** Events whose session rows were staged in the transaction now open (forgotten if it rolls back). */
  private fanned: string[] = [];

  constructor(
    readonly db: Db,
    o: Omit<SqliteStoreOptions, 'dataDir'> = {},
  ) {
    this.bus = o.bus ?? new EmulatorBus();
    adoptLegacyOwners(db);
    this.endpointStore = new EndpointStore(db);
    this.eventStore = new EventStore(db);
    this.deliveryStore = new DeliveryStore(db, this.bus);
    this.sessionStore = new SessionStore(db, this.deliveryStore, o.limits);
    this.endpoints = new SqliteEndpoints(this.endpointStore);
    this.events = new SqliteEvents(this.eventStore);
    this.piggyback = new Piggyback(db, WRITE_WAIT_MS);
    this.deliveries = new SqliteDeliveries(this.deliveryStore, this.eventStore, this.endpointStore, this.leases, this.piggyback);
    this.sessions = new SqliteSessions(this.sessionStore, this.deliveryStore, this.notifier, this.piggyback);
    this.keys = new SqliteKeys(db, this.notifier);
    this.stats = new SqliteStats(db);
  }

  static open(o: SqliteStoreOptions): SqliteStore {
    const db = openDatabase(o.dataDir, o.log);
    try {
      return new SqliteStore(db, o);
    } catch (err) {
      closeDatabaseNow(db);
      throw err;
    }
  }

  async accept(items: AcceptItem[]): Promise<(Accepted | Error)[]> {
    let out: (Written | Error)[];
    const queued = this.piggyback.take();
    try {
      this.transact(() => {
        Piggyback.write(queued);
        const ids = new Set<string>();
        out = items.map((item) => this.write(item, ids));
      });
      this.piggyback.settle(queued, true);
    } catch {
      this.piggyback.settle(queued, false);
      try {
        // Again, one savepoint per item: only the one whose write fails is lost.
        this.transact(() => {
          const ids = new Set<string>();
          out = items.map((item) => this.isolated(item, ids));
        });
      } catch (err) {
        return items.map(() => err as Error);
      }
    }
    const woken = new Set<string>();
    const result = out!.map((w): Accepted | Error => {
      if (w instanceof Error) return w;
      const sessionIds = w.item.sessions ? this.sessionStore.committed(w.item.event.id) : [];
      for (let i = 0; i < sessionIds.length; i++) woken.add(sessionIds[i]);
      // Per event on the hot path: plain loops, no spread iterators or closures.
      const claimed: ClaimedDelivery[] = [];
      const deliveries: Delivery[] = [];
      for (let i = 0; i < w.rows.length; i++) {
        claimed.push(this.deliveries.claimed(w.rows[i], w.item.event.body));
        deliveries.push(toDelivery(w.rows[i]));
      }
      for (let i = 0; i < w.fromSessions.length; i++) deliveries.push(w.fromSessions[i]);
      return { event: w.item.event, deliveries, claimed, sessionIds };
    });
    if (woken.size) this.notifier.publish('sessions', [...woken]);
    return result;
  }

  async retention(now: number): Promise<RetentionResult> {
    return { expiredLogRows: await this.sessions.expire(now), expiredSessions: await this.sessions.expireIdle(now) };
  }

  liveNodes(): number {
    return 1;
  }

  async health(): Promise<{ ok: boolean; store: 'sqlite'; detail?: string }> {
    try {
      this.db.prepare('SELECT 1').get();
      return { ok: true, store: 'sqlite' };
    } catch (err) {
      return { ok: false, store: 'sqlite', detail: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    this.piggyback.flush();
    await closeDatabase(this.db);
  }

  /** One item's rows, inside the open transaction. Input errors are returned (nothing written for them); database errors throw. */
  private write(item: AcceptItem, ids: Set<string>): Written | Error {
    let targets: EndpointTarget[];
    if (item.endpoints === 'matching') targets = this.endpointStore.matching(item.event.type, item.owner);
    else {
      const id = item.endpoints.only;
      const t = this.endpointStore.target(id);
      if (!t || t.owner !== item.owner) return notFound('webhook endpoint', id, 'endpoint_id');
      if (t.status !== 'enabled') return endpointDisabled(id);
      targets = [t];
    }
    if (item.insert) {
      if (ids.has(item.event.id) || !this.eventStore.insert(item.event, item.owner)) return duplicateEventId(item.event.id);
      ids.add(item.event.id);
    }
    const now = Date.now();
    const rows = targets.map((t) => this.deliveryStore.createForEndpoint(item.event, t, now));
    let fromSessions: Delivery[] = [];
    if (item.sessions) {
      this.fanned.push(item.event.id);
      fromSessions = this.sessionStore.fanOut(item.event, item.owner);
    }
    return { item, rows, fromSessions };
  }

  private isolated(item: AcceptItem, ids: Set<string>): Written | Error {
    try {
      let w!: Written | Error;
      this.transact(() => (w = this.write(item, ids)));
      return w;
    } catch (err) {
      // A full disk is no one event's fault, and SQLite may have rolled the whole transaction back.
      if (storageErrorCode(err)) throw err;
      return err as Error;
    }
  }

  /** Run `fn` in a transaction (a savepoint when nested); on rollback the staged session rows are forgotten. */
  private transact(fn: () => void): void {
    const mark = this.fanned.length;
    try {
      inTransaction(this.db, fn);
    } catch (err) {
      for (const eventId of this.fanned.splice(mark)) this.sessionStore.rollback(eventId);
      throw err;
    } finally {
      if (mark === 0) this.fanned = [];
    }
  }
}

/**
 * Before keys had owners, listen sessions, the listen secret and ingest channels/requests were keyed by
 * a hash of the one API key (32 hex characters): they are the default owner's. Runs on every open; a
 * no-op once adopted.
 */
function adoptLegacyOwners(db: Db): void {
  createRelaySchema(db);
  createIngestSchema(db);
  const legacy = "length(key_hash) = 32 AND key_hash NOT GLOB '*[^0-9a-f]*'";
  db.transaction(() => {
    // One listen secret per owner: the newest legacy one becomes the default owner's.
    const newest = db.prepare(`SELECT key_hash FROM listen_secrets WHERE ${legacy} ORDER BY updated DESC LIMIT 1`).pluck().get() as string | undefined;
    if (newest !== undefined && db.prepare("SELECT 1 FROM listen_secrets WHERE key_hash = 'default'").get() === undefined) {
      db.prepare("UPDATE listen_secrets SET key_hash = 'default' WHERE key_hash = ?").run(newest);
    }
    db.exec(`DELETE FROM listen_secrets WHERE ${legacy}`);
    for (const table of ['listen_sessions', 'ingest_channels', 'ingest_requests']) db.exec(`UPDATE ${table} SET key_hash = 'default' WHERE ${legacy}`);
    db.exec(`UPDATE deliveries SET owner = 'default' WHERE length(owner) = 32 AND owner NOT GLOB '*[^0-9a-f]*'`);
  })();
}
