// Schema migrations (index + 1 = user_version). Never edit an entry once shipped: append a new one.
// Times the engine compares are integer ms (next_attempt_at); times shown to users are ISO strings.
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE IF NOT EXISTS endpoints (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL,
    secret TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
  );

  CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    created TEXT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS events_type ON events (type, seq);

  CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    endpoint_id TEXT,
    session_id TEXT,
    url TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt_count INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error TEXT,
    next_attempt_at INTEGER,
    manual INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
  );
  -- Few, partial indexes: every page an insert or status change touches is written at commit.
  CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (endpoint_id, next_attempt_at)
    WHERE status = 'pending' AND endpoint_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS deliveries_endpoint ON deliveries (endpoint_id, seq);
  CREATE INDEX IF NOT EXISTS deliveries_event ON deliveries (event_id, seq);
  CREATE INDEX IF NOT EXISTS deliveries_session ON deliveries (session_id, seq) WHERE session_id IS NOT NULL;
  -- Most deliveries end 'succeeded'; a newest-first scan finds those fast without an index.
  CREATE INDEX IF NOT EXISTS deliveries_unsettled ON deliveries (status, seq) WHERE status <> 'succeeded';

  CREATE TABLE IF NOT EXISTS attempts (
    delivery_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    request_headers TEXT NOT NULL,
    response_headers TEXT NOT NULL,
    response_body TEXT NOT NULL,
    manual INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (delivery_id, number)
  ) WITHOUT ROWID;
  `,
  // GET /v1/stats: each attempt carries its outcome as known when it was written (it never changes
  // later) and copies of its delivery's endpoint, session and event type (which never change either), so
  // one covering index answers the per-bucket counts, percentiles and filters with a range scan and no
  // join. Rows written before this migration are classified from what followed them.
  `
  ALTER TABLE attempts ADD COLUMN outcome TEXT;
  ALTER TABLE attempts ADD COLUMN endpoint_id TEXT;
  ALTER TABLE attempts ADD COLUMN session_id TEXT;
  ALTER TABLE attempts ADD COLUMN event_type TEXT;
  UPDATE attempts SET endpoint_id = d.endpoint_id, session_id = d.session_id, event_type = d.event_type
    FROM deliveries d WHERE d.id = attempts.delivery_id;
  UPDATE attempts SET outcome = CASE
    WHEN status_code >= 200 AND status_code < 300 THEN 'delivered'
    WHEN EXISTS (SELECT 1 FROM attempts n WHERE n.delivery_id = attempts.delivery_id AND n.number = attempts.number + 1 AND n.manual = 0) THEN 'retried'
    WHEN NOT EXISTS (SELECT 1 FROM attempts n WHERE n.delivery_id = attempts.delivery_id AND n.number = attempts.number + 1)
      AND EXISTS (SELECT 1 FROM deliveries d WHERE d.id = attempts.delivery_id AND d.status = 'pending' AND d.manual = 0) THEN 'retried'
    ELSE 'failed'
  END;
  CREATE INDEX IF NOT EXISTS attempts_started ON attempts (started_at, outcome, duration_ms, endpoint_id, session_id, event_type);
  `,
  // Keys per developer: every resource belongs to an owner (an API key's id; 'default' for the single
  // --api-key server and for everything from before keys existed). API keys are stored hashed.
  `
  ALTER TABLE endpoints ADD COLUMN owner TEXT NOT NULL DEFAULT 'default';
  ALTER TABLE events ADD COLUMN owner TEXT NOT NULL DEFAULT 'default';
  ALTER TABLE deliveries ADD COLUMN owner TEXT NOT NULL DEFAULT 'default';
  CREATE INDEX IF NOT EXISTS endpoints_owner ON endpoints (owner, seq);
  CREATE INDEX IF NOT EXISTS events_owner ON events (owner, seq);
  CREATE INDEX IF NOT EXISTS deliveries_owner ON deliveries (owner, seq);
  CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created TEXT NOT NULL,
    revoked TEXT
  );
  `,
  // GET /v1/stats per key: attempts carry their delivery's owner, first in the covering index.
  `
  ALTER TABLE attempts ADD COLUMN owner TEXT NOT NULL DEFAULT 'default';
  UPDATE attempts SET owner = d.owner FROM deliveries d WHERE d.id = attempts.delivery_id;
  DROP INDEX IF EXISTS attempts_started;
  CREATE INDEX IF NOT EXISTS attempts_owner_started ON attempts (owner, started_at, outcome, duration_ms, endpoint_id, session_id, event_type);
  `,
  // A listen session's delivery has no endpoint: it no longer gets an entry in the per-endpoint index
  // (one b-tree page less written with every event a session receives). `endpoint_id = ?` implies
  // NOT NULL, so the endpoint filters still use it.
  `
  DROP INDEX IF EXISTS deliveries_endpoint;
  CREATE INDEX IF NOT EXISTS deliveries_endpoint ON deliveries (endpoint_id, seq) WHERE endpoint_id IS NOT NULL;
  `,
];
