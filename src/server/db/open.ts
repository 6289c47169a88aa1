// Opens the emulator database (better-sqlite3, WAL) and brings its schema up to date. Migrations are
// append-only: each entry runs once, in order, tracked by PRAGMA user_version.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { createPrivateFile, secureDataDir } from './permissions.js';
import { Checkpointer } from './checkpointer.js';
import { MIGRATIONS } from './schema.js';

export type Db = Database.Database;

export const DB_FILE = 'emulator.db';

export const LOCK_FILE = 'emulator.lock';

/** What a Db holds besides its connection: the data dir lock and the checkpoint worker. */
const held = new WeakMap<Db, { lock: Db; checkpointer: Checkpointer }>();

/** `notice` hears once, in one line, about permissions that were tightened (an existing loose data dir). */
export function openDatabase(dataDir: string, notice?: (line: string) => void): Db {
  const changed = secureDataDir(dataDir);
  if (changed.length) notice?.(`made the data dir ${dataDir} private (it holds the API key and endpoint secrets): ${changed.join(', ')}`);
  const lock = lockDataDir(dataDir);
  const file = join(dataDir, DB_FILE);
  let db: Db | undefined;
  try {
    createPrivateFile(file);
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // Checkpoints run on a worker (checkpointer.ts); this one, in the writer, is the backstop should it
    // fall behind. The WAL file keeps its size between restarts (reused from its start): cutting it back
    // to a smaller limit took ~10 ms inside a commit, every time a burst had grown it past that limit.
    // The limit is above the backstop's size (16000 pages, ~64 MB), so only a WAL that grew past it
    // (checkpoints held off) is cut back.
    db.pragma('wal_autocheckpoint = 16000');
    db.pragma('journal_size_limit = 134217728');
    db.pragma('cache_size = -32000'); // 32 MB: index pages stay in memory
    db.pragma('temp_store = MEMORY');
    db.pragma('foreign_keys = OFF');
    migrate(db);
  } catch (err) {
    db?.close();
    lock.close();
    throw err;
  }
  held.set(db, { lock, checkpointer: new Checkpointer(file, notice) });
  return db;
}

/** Closes the database, its checkpoint worker and the data dir lock (in that order). */
export async function closeDatabase(db: Db): Promise<void> {
  const h = held.get(db);
  held.delete(db);
  await h?.checkpointer.stop();
  if (db.open) db.close();
  h?.lock.close();
}

/** closeDatabase for a synchronous path (a failed start). */
export function closeDatabaseNow(db: Db): void {
  const h = held.get(db);
  held.delete(db);
  h?.checkpointer.terminate();
  if (db.open) db.close();
  h?.lock.close();
}

/**
 * One emulator per data dir: two delivery engines on one database would deliver everything twice. An
 * exclusive lock on a file of its own (not on the database, which the checkpoint worker also opens) is
 * taken now and held until close; the OS drops it if the process dies.
 */
function lockDataDir(dataDir: string): Db {
  const file = join(dataDir, LOCK_FILE);
  createPrivateFile(file);
  const lock = new Database(file);
  try {
    lock.pragma('busy_timeout = 300');
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
    return lock;
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DataDirInUseError(dataDir);
    throw err;
  }
}

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(`Data dir ${dataDir} is in use by another propitbox dev`);
    this.name = 'DataDirInUseError';
  }
}

const runners = new WeakMap<Db, (fn: () => unknown) => unknown>();

/**
 * `fn()` in a transaction (a savepoint inside one already open), through one wrapper per connection:
 * `db.transaction(fn)` builds a new wrapper (and defines its properties) on every call, which was ~3%
 * of an event's CPU on the hot paths.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  let run = runners.get(db);
  if (!run) runners.set(db, (run = db.transaction((f: () => unknown) => f())));
  return run(fn) as T;
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
