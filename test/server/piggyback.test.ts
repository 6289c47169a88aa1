// Ack writes wait for the next event transaction and commit inside it (one commit for both); with no
// event they commit alone after a short wait; when that transaction rolls back they are not lost.
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { inTransaction } from '../../src/server/db/open.js';
import { Piggyback } from '../../src/server/store/sqlite/piggyback.js';

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function setup(maxWaitMs: number) {
  const db = new Database(':memory:');
  dbs.push(db);
  db.exec('CREATE TABLE t (v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const rows = () => (db.prepare('SELECT v FROM t ORDER BY rowid').pluck().all() as string[]);
  return { db, pb: new Piggyback(db, maxWaitMs), write: (v: string) => () => void insert.run(v), rows };
}

it('runs queued writes inside the next transaction, before its own writes, and settles them once it committed', async () => {
  const { db, pb, write, rows } = setup(60_000);
  let settled = false;
  const done = pb.add(write('ack')).then(() => (settled = true));
  expect(rows()).toEqual([]);
  const jobs = pb.take();
  let inside = false;
  inTransaction(db, () => {
    Piggyback.write(jobs);
    inside = db.inTransaction;
    db.prepare("INSERT INTO t (v) VALUES ('event')").run();
  });
  expect(inside).toBe(true);
  await Promise.resolve();
  expect(settled).toBe(false); // only settle() says the transaction committed
  pb.settle(jobs, true);
  await done;
  expect(rows()).toEqual(['ack', 'event']);
  expect(pb.take()).toEqual([]);
});

it('commits alone after the wait when no transaction comes, and at once when urgent', async () => {
  const { pb, write, rows } = setup(20);
  await pb.add(write('late'));
  expect(rows()).toEqual(['late']);
  await pb.add(write('urgent'), true);
  expect(rows()).toEqual(['late', 'urgent']);
});

it('keeps writes taken by a transaction that rolled back, and commits them on their own', async () => {
  const { db, pb, write, rows } = setup(60_000);
  const done = pb.add(write('ack'));
  const jobs = pb.take();
  expect(() =>
    inTransaction(db, () => {
      Piggyback.write(jobs);
      throw new Error('the event write failed');
    }),
  ).toThrow('the event write failed');
  expect(rows()).toEqual([]);
  pb.settle(jobs, false);
  await done;
  expect(rows()).toEqual(['ack']);
});

it('rejects the writes of a transaction of their own that failed', async () => {
  const { db, pb } = setup(60_000);
  const bad = pb.add(() => void db.prepare('INSERT INTO missing (v) VALUES (1)').run(), true);
  await expect(bad).rejects.toThrow(/no such table/);
});
