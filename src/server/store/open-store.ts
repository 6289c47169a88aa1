// Opens the store a server runs on: PostgreSQL when a database URL is given (several nodes), else
// SQLite in the data dir (one process). `pg` is imported only in the first case, so `propitbox dev`
// never loads it.
import type { EmulatorBus } from '../bus.js';
import { defaultLimits } from './limits.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { SessionLimits, Store } from './store.js';

export interface OpenStoreOptions {
  dataDir: string;
  /** postgres://… : use PostgreSQL instead of the data dir. */
  databaseUrl?: string;
  /** PostgreSQL schema (default public); tests use one each. */
  schema?: string;
  bus?: EmulatorBus;
  limits?: SessionLimits;
  log?: (line: string) => void;
}

export async function openStore(o: OpenStoreOptions): Promise<Store> {
  const limits = o.limits ?? defaultLimits();
  if (!o.databaseUrl) return SqliteStore.open({ dataDir: o.dataDir, bus: o.bus, limits, log: o.log });
  const { PgStore } = await import('./pg/pg-store.js');
  return PgStore.open({ url: o.databaseUrl, schema: o.schema, limits, log: o.log, bus: o.bus });
}
