// The connection pool and a transaction helper. Loaded only when a PostgreSQL URL is given (the
// store's opener imports this module dynamically), so `propitbox dev` never loads `pg`.
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.PoolClient, 'query'>;

// int8 (ids, seqs, ms timestamps) as numbers: every value we store fits in 2^53.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  url: string;
  /** Tables live in this schema (created if missing); default `public`. */
  schema?: string;
  max?: number;
  applicationName?: string;
}

export function validSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name '${schema}': use lowercase letters, digits and _`);
  return schema;
}

export function clientConfig(o: PoolOptions): pg.ClientConfig {
  return {
    connectionString: o.url,
    types,
    application_name: o.applicationName ?? 'propitbox',
    // search_path per connection, so every query names tables without a schema.
    options: `-c search_path=${validSchema(o.schema ?? 'public')}`,
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    // A node that dies mid-transaction must not hold session or delivery row locks for long.
    idle_in_transaction_session_timeout: 30_000,
  };
}

export function createPool(o: PoolOptions): Pool {
  const pool = new pg.Pool({ ...clientConfig(o), max: o.max ?? 10, idleTimeoutMillis: 30_000 });
  // An idle client whose server connection breaks emits here; without a listener it would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

export function newClient(o: PoolOptions): pg.Client {
  return new pg.Client(clientConfig(o));
}

/** Run `fn` in a transaction on one pooled connection; rolled back if it throws. */
export async function transaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    // A failed ROLLBACK means the connection itself is gone: it must not go back to the pool.
    await c.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    c.release(broken);
  }
}

/** The text hashed into an advisory lock key (`pg_advisory_lock(hashtext($1))`): per schema, so two relays on one database do not share locks. */
export function lockName(name: string, schema: string): string {
  return `propitbox:${name}:${schema}`;
}
