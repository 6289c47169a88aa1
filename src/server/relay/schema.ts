// The relay's own tables, in the emulator's database (created IF NOT EXISTS, beside the emulator's
// migrations). listen_log is the durable per-session queue: a row per (session, seq) written in the
// same transaction as the event, deleted once acknowledged or too old / too many.
import type { Db } from '../db/open.js';

export function createRelaySchema(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS listen_secrets (
      key_hash TEXT PRIMARY KEY,
      secret TEXT NOT NULL,
      updated TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS listen_sessions (
      id TEXT PRIMARY KEY,
      key_hash TEXT NOT NULL,
      label TEXT,
      events TEXT NOT NULL,
      created TEXT NOT NULL,
      last_seq INTEGER NOT NULL DEFAULT 0,
      acked_seq INTEGER NOT NULL DEFAULT 0,
      target_url TEXT,
      durable INTEGER NOT NULL DEFAULT 0,
      targets TEXT
    );
    CREATE INDEX IF NOT EXISTS listen_sessions_key ON listen_sessions (key_hash, created);
    CREATE TABLE IF NOT EXISTS listen_log (
      session_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      event_id TEXT NOT NULL,
      type TEXT NOT NULL,
      created TEXT NOT NULL,
      body TEXT NOT NULL,
      delivery_id TEXT NOT NULL,
      appended_at INTEGER NOT NULL,
      PRIMARY KEY (session_id, seq)
    ) WITHOUT ROWID;
  `);
  // No index on appended_at: each one cost a b-tree page write per appended and per acknowledged row
  // on the event path. A session's rows are appended in time order, so its expired rows are a prefix
  // of its log, found by walking it in seq order (session-store.ts expire).
  db.exec('DROP INDEX IF EXISTS listen_log_age');
  // Databases made before sessions could be durable or declare their targets.
  const cols = new Set((db.prepare('PRAGMA table_info(listen_sessions)').all() as Array<{ name: string }>).map((c) => c.name));
  if (!cols.has('durable')) db.exec('ALTER TABLE listen_sessions ADD COLUMN durable INTEGER NOT NULL DEFAULT 0');
  if (!cols.has('targets')) db.exec('ALTER TABLE listen_sessions ADD COLUMN targets TEXT');
}
