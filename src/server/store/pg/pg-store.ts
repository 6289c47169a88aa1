// The PostgreSQL store: several `propitbox serve` nodes share one database. Opening it runs the
// migrations (under an advisory lock) and starts the LISTEN connection.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EmulatorBus } from '../../bus.js';
import type { AcceptItem, Accepted, RetentionResult, SessionLimits, Store } from '../store.js';
import { pgAccept } from './accept.js';
import { createPool, lockName, validSchema, type Pool, type PoolOptions } from './db.js';
import { PgDeliveries } from './deliveries.js';
import { PgEndpoints, PgEvents } from './endpoints.js';
import { PgKeys } from './keys.js';
import { migrate } from './migrations.js';
import { PgNotifier } from './notifier.js';
import { PgSessions } from './sessions.js';
import { PgStats } from './stats.js';

export interface PgStoreOptions extends PoolOptions {
  limits: SessionLimits;
  /** Told about deliveries this node records (engine results, listen acks), like the SQLite store does. */
  bus?: EmulatorBus;
  log?: (line: string) => void;
}

export class PgStore implements Store {
  readonly kind = 'postgres' as const;
  readonly node = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly endpoints: PgEndpoints;
  readonly events: PgEvents;
  readonly deliveries: PgDeliveries;
  readonly sessions: PgSessions;
  readonly keys: PgKeys;
  readonly stats: PgStats;
  readonly notifier: PgNotifier;
  private readonly schema: string;

  private constructor(
    private readonly pool: Pool,
    private readonly o: PgStoreOptions,
  ) {
    this.schema = validSchema(o.schema ?? 'public');
    this.notifier = new PgNotifier(pool, o, this.node, o.log);
    this.endpoints = new PgEndpoints(pool);
    this.events = new PgEvents(pool);
    this.deliveries = new PgDeliveries(pool, this.node, this.notifier, o.bus);
    this.sessions = new PgSessions(pool, o.limits, this.notifier, o.bus);
    this.keys = new PgKeys(pool, this.notifier);
    this.stats = new PgStats(pool);
  }

  static async open(o: PgStoreOptions): Promise<PgStore> {
    const pool = createPool(o);
    try {
      await migrate(pool, validSchema(o.schema ?? 'public'));
      const store = new PgStore(pool, o);
      await store.notifier.start();
      return store;
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  async accept(items: AcceptItem[], leaseMs: number): Promise<(Accepted | Error)[]> {
    const out = await pgAccept({ pool: this.pool, node: this.node, limits: this.o.limits }, items, leaseMs);
    const woken = out.flatMap((r) => (r instanceof Error ? [] : r.sessionIds));
    if (woken.length) this.notifier.publish('sessions', [...new Set(woken)]);
    return out;
  }

  /** One node at a time (a session-level advisory lock, held on one connection for the run); the others skip it. */
  async retention(now: number): Promise<RetentionResult | null> {
    const c = await this.pool.connect();
    const key = lockName('retention', this.schema);
    try {
      const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key]);
      if (!rows[0].ok) return null;
      try {
        return { expiredLogRows: await this.sessions.expire(now), expiredSessions: await this.sessions.expireIdle(now) };
      } finally {
        await c.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
      }
    } finally {
      c.release();
    }
  }

  liveNodes(): number {
    return this.notifier.liveNodes;
  }

  async health(): Promise<{ ok: boolean; store: 'postgres'; detail?: string }> {
    try {
      await this.pool.query('SELECT 1');
      return { ok: true, store: 'postgres' };
    } catch (err) {
      return { ok: false, store: 'postgres', detail: `PostgreSQL unreachable: ${(err as Error).message}` };
    }
  }

  async close(): Promise<void> {
    await this.notifier.close();
    await this.pool.end();
  }
}
