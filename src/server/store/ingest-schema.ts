// The ingest tables, in the emulator's database (created IF NOT EXISTS when the ingest part starts,
// like the relay's). A request row is the durable record of what a sender sent: written, with the
// session-log rows of every subscribed listen session, in one transaction before the sender gets 2xx.
import type { Db } from '../db/open.js';

export function createIngestSchema(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ingest_channels (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      key_hash TEXT NOT NULL,
      token TEXT NOT NULL UNIQUE,
      description TEXT,
      options TEXT NOT NULL,
      created TEXT NOT NULL,
      updated TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ingest_channels_key ON ingest_channels (key_hash, seq);
    -- Tokens of rotated or deleted channels (hashed: they only need to be recognised, for 410).
    CREATE TABLE IF NOT EXISTS ingest_retired_tokens (
      token_hash TEXT PRIMARY KEY,
      channel_id TEXT NOT NULL,
      reason TEXT NOT NULL,
      retired TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ingest_requests (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      channel_id TEXT NOT NULL,
      key_hash TEXT NOT NULL,
      method TEXT NOT NULL,
      path TEXT NOT NULL,
      query TEXT NOT NULL,
      headers TEXT NOT NULL,
      body BLOB NOT NULL,
      content_type TEXT,
      content_length INTEGER NOT NULL,
      remote_addr TEXT,
      received TEXT NOT NULL,
      received_ms INTEGER NOT NULL,
      event_type TEXT,
      event_id TEXT,
      status TEXT NOT NULL DEFAULT 'pending',
      forwarded_status INTEGER,
      forwarded_error TEXT,
      forwarded_at TEXT
    );
    CREATE INDEX IF NOT EXISTS ingest_requests_channel ON ingest_requests (channel_id, seq);
    CREATE INDEX IF NOT EXISTS ingest_requests_pending ON ingest_requests (channel_id, seq) WHERE status = 'pending';
    -- No index on received_ms: expiry walks the rows in arrival order (ingest-requests.ts).
    DROP INDEX IF EXISTS ingest_requests_age;
    -- Which listen sessions receive which channels' requests.
    CREATE TABLE IF NOT EXISTS ingest_subscriptions (
      session_id TEXT NOT NULL,
      channel_id TEXT NOT NULL,
      PRIMARY KEY (session_id, channel_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS ingest_subscriptions_channel ON ingest_subscriptions (channel_id);
  `);
}
