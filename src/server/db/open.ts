// Opens the emulator database (better-sqlite3, WAL) and brings its schema up to date. Migrations are
// append-only: each entry runs once, in order, tracked by PRAGMA user_version.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { createPrivateFile, secureDataDir } from './permissions.js';
import { MIGRATIONS } from './schema.js';

export type Db = Database.Database;

export const DB_FILE = 'emulator.db';

/** `notice` hears once, in one line, about permissions that were tightened (an existing loose data dir). */
export function openDatabase(dataDir: string, notice?: (line: string) => void): Db {
  const changed = secureDataDir(dataDir);
  if (changed.length) notice?.(`made the data dir ${dataDir} private (it holds the API key and endpoint secrets): ${changed.join(', ')}`);
  createPrivateFile(join(dataDir, DB_FILE));
  const db = new Database(join(dataDir, DB_FILE));
  try {
    // One emulator per data dir: two delivery engines on one database would deliver everything twice.
    // The exclusive lock is taken now and held until close (the OS drops it if the process dies).
    db.pragma('busy_timeout = 300');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DataDirInUseError(dataDir);
    throw err;
  }
  // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // Fewer, larger checkpoints: each one is an fsync, the expensive part on a busy disk.
  db.pragma('wal_autocheckpoint = 4000');
  db.pragma('cache_size = -32000'); // 32 MB: index pages stay in memory
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = OFF');
  migrate(db);
  return db;
}

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(`Data dir ${dataDir} is in use by another propitbox dev`);
    this.name = 'DataDirInUseError';
  }
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
