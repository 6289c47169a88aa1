// Versioned schema migrations for PostgreSQL. Each runs once, in order, in its own transaction, while
// the migrating node holds an advisory lock, so nodes starting together do not race; a node that
// finds the schema newer than it knows refuses to start (an old binary must not write a new schema).
// Never edit an entry once shipped: append a new one.
import { lockName, type Pool } from './db.js';

export const PG_MIGRATIONS: string[] = [
  `
  CREATE TABLE api_keys (
    id text PRIMARY KEY,
    name text NOT NULL,
    hash text NOT NULL UNIQUE,
    prefix text NOT NULL,
    created text NOT NULL,
    revoked text
  );

  CREATE TABLE endpoints (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    owner text NOT NULL,
    url text NOT NULL,
    events text NOT NULL,
    description text,
    status text NOT NULL,
    secret text NOT NULL,
    created text NOT NULL,
    updated text NOT NULL
  );
  CREATE INDEX endpoints_owner ON endpoints (owner, seq);

  CREATE TABLE events (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    owner text NOT NULL,
    type text NOT NULL,
    created text NOT NULL,
    body text NOT NULL
  );
  CREATE INDEX events_owner ON events (owner, seq);
  CREATE INDEX events_owner_type ON events (owner, type, seq);
  CREATE INDEX events_owner_created ON events (owner, created);

  CREATE SEQUENCE lease_tokens;

  CREATE TABLE deliveries (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    owner text NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    endpoint_id text,
    session_id text,
    url text NOT NULL,
    status text NOT NULL,
    attempt_count integer NOT NULL DEFAULT 0,
    last_status_code integer,
    last_error text,
    next_attempt_at bigint,
    manual smallint NOT NULL DEFAULT 0,
    created text NOT NULL,
    updated text NOT NULL,
    -- When the row may next be claimed: its due time, or the end of the lease that holds it.
    due_at bigint,
    lease_token bigint,
    lease_node text
  );
  CREATE INDEX deliveries_due ON deliveries (due_at) WHERE status = 'pending' AND endpoint_id IS NOT NULL;
  CREATE INDEX deliveries_owner ON deliveries (owner, seq);
  CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, seq);
  CREATE INDEX deliveries_event ON deliveries (event_id, seq);
  CREATE INDEX deliveries_session ON deliveries (session_id, seq) WHERE session_id IS NOT NULL;
  CREATE INDEX deliveries_unsettled ON deliveries (owner, status, seq) WHERE status <> 'succeeded';

  CREATE TABLE attempts (
    delivery_id text NOT NULL,
    number integer NOT NULL,
    started_at text NOT NULL,
    duration_ms integer NOT NULL,
    status_code integer,
    error text,
    request_headers text NOT NULL,
    response_headers text NOT NULL,
    response_body text NOT NULL,
    manual smallint NOT NULL DEFAULT 0,
    -- For GET /v1/stats (as in SQLite): the outcome fixed when written, and the delivery's fixed facts.
    outcome text,
    endpoint_id text,
    session_id text,
    event_type text,
    PRIMARY KEY (delivery_id, number)
  );
  CREATE INDEX attempts_started ON attempts (started_at, outcome, duration_ms, endpoint_id, session_id, event_type);

  CREATE TABLE listen_secrets (
    owner text PRIMARY KEY,
    secret text NOT NULL,
    updated text NOT NULL
  );

  CREATE TABLE listen_sessions (
    id text PRIMARY KEY,
    owner text NOT NULL,
    label text,
    events text NOT NULL,
    created text NOT NULL,
    last_seq bigint NOT NULL DEFAULT 0,
    acked_seq bigint NOT NULL DEFAULT 0,
    target_url text,
    -- Ownership: the node whose socket serves the session, and a counter bumped on every takeover.
    epoch bigint NOT NULL DEFAULT 0,
    node text
  );
  CREATE INDEX listen_sessions_owner ON listen_sessions (owner, created);

  CREATE TABLE listen_log (
    session_id text NOT NULL,
    seq bigint NOT NULL,
    event_id text NOT NULL,
    type text NOT NULL,
    created text NOT NULL,
    body text NOT NULL,
    delivery_id text NOT NULL,
    appended_at bigint NOT NULL,
    PRIMARY KEY (session_id, seq)
  );
  CREATE INDEX listen_log_age ON listen_log (appended_at);
  `,
  // Sessions end with their client unless durable: when it went away (idle_since, NULL while connected),
  // and when its node last said it is still there (seen_at), so a dead node's sessions become idle too.
  `
  ALTER TABLE listen_sessions ADD COLUMN durable boolean NOT NULL DEFAULT false;
  ALTER TABLE listen_sessions ADD COLUMN targets text;
  ALTER TABLE listen_sessions ADD COLUMN idle_since bigint;
  ALTER TABLE listen_sessions ADD COLUMN seen_at bigint;
  CREATE INDEX listen_sessions_idle ON listen_sessions (idle_since) WHERE NOT durable;
  `,
  // GET /v1/stats per key: attempts carry their delivery's owner, first in the covering index.
  `
  ALTER TABLE attempts ADD COLUMN owner text NOT NULL DEFAULT 'default';
  DROP INDEX attempts_started;
  CREATE INDEX attempts_owner_started ON attempts (owner, started_at, outcome, duration_ms, endpoint_id, session_id, event_type);
  `,
  // Nodes with a live view (dashboard stream) open say so here, so the others send them what changes.
  `
  CREATE TABLE stream_presence (node text PRIMARY KEY, until bigint NOT NULL);
  `,
  // Every node says it is alive here: rate limits per key are shared out among the live nodes.
  `
  CREATE TABLE node_presence (node text PRIMARY KEY, until bigint NOT NULL);
  `,
];

export class SchemaTooNewError extends Error {
  constructor(readonly found: number, readonly known: number) {
    super(`The database schema is at version ${found}, newer than this propitbox knows (${known}): upgrade propitbox on this node`);
    this.name = 'SchemaTooNewError';
  }
}

export async function migrate(pool: Pool, schema: string, migrations = PG_MIGRATIONS): Promise<number> {
  const c = await pool.connect();
  try {
    // Session-level lock on this connection: held across the per-migration transactions below.
    await c.query('SELECT pg_advisory_lock(hashtext($1))', [lockName('migrate', schema)]);
    try {
      if (schema !== 'public') await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
      const current = rows[0].v ?? 0;
      if (current > migrations.length) throw new SchemaTooNewError(current, migrations.length);
      for (let v = current; v < migrations.length; v++) {
        await c.query('BEGIN');
        try {
          await c.query(migrations[v]);
          await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK');
          throw err;
        }
      }
      return migrations.length;
    } finally {
      await c.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName('migrate', schema)]).catch(() => undefined);
    }
  } finally {
    c.release();
  }
}
