// WAL checkpoints happen on the worker, not inside the writer's commits (they were the relay's periodic
// ~20 ms stall): commits far below the writer's own autocheckpoint size still reach the database file.
// The data dir lock lives in a file of its own and is released on close.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, DataDirInUseError, DB_FILE, openDatabase, type Db } from '../../src/server/db/open.js';
import { waitFor } from '../helpers/wait-for.js';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await closeDatabase(db);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir = mkdtempSync(join(tmpdir(), 'propitbox-ckpt-'))): { db: Db; dir: string } {
  if (!dirs.includes(dir)) dirs.push(dir);
  const db = openDatabase(dir);
  dbs.push(db);
  return { db, dir };
}

describe('database checkpoints and lock', () => {
  it('a worker copies committed pages into the database file; the writer never checkpoints below its backstop', async () => {
    const { db, dir } = open();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(16000);
    const file = join(dir, DB_FILE);
    const before = statSync(file).size;
    db.exec('CREATE TABLE t (x BLOB)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    // ~300 pages in small commits: far below 16000, so only the worker can move them into the file.
    for (let i = 0; i < 100; i++) insert.run(Buffer.alloc(12_000, i));
    await waitFor(() => statSync(file).size > before + 1_000_000, { what: 'the worker to checkpoint the WAL into emulator.db' });
  });

  it('holds the data dir until closed: a second open is refused, one after close succeeds', async () => {
    const { db, dir } = open();
    expect(() => openDatabase(dir)).toThrow(DataDirInUseError);
    await closeDatabase(db);
    dbs.splice(dbs.indexOf(db), 1);
    expect(open(dir).db.open).toBe(true);
  });
});
