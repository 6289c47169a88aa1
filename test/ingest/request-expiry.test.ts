// Stored ingest requests expire after the retention, found by walking them in arrival order (there is
// no index on the time): only the old ones go, the young ones stay, also when all of them are old.
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { createIngestSchema } from '../../src/server/store/ingest-schema.js';
import { REQUEST_RETENTION_MS, RequestStore } from '../../src/server/store/ingest-requests.js';

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function store() {
  const db = new Database(':memory:');
  dbs.push(db);
  createIngestSchema(db);
  const requests = new RequestStore(db);
  const add = (received_ms: number) => requests.insert({ channel_id: 'ich_1', key_hash: 'default', method: 'POST', path: '/', query: '', headers: [], body: Buffer.from('{}'), remote_addr: null, received_ms }).id;
  const ids = () => db.prepare('SELECT id FROM ingest_requests ORDER BY seq').pluck().all();
  return { db, requests, add, ids };
}

it('deletes the requests older than the retention and keeps the rest', () => {
  const { db, requests, add, ids } = store();
  const now = Date.now();
  add(now - REQUEST_RETENTION_MS - 60_000);
  add(now - REQUEST_RETENTION_MS - 1);
  const young = [add(now - REQUEST_RETENTION_MS + 1), add(now)];
  expect(requests.expire(now)).toBe(2);
  expect(ids()).toEqual(young);
  expect(requests.expire(now)).toBe(0);
  expect(requests.expire(now + REQUEST_RETENTION_MS + 1)).toBe(2);
  expect(ids()).toEqual([]);
  expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ingest_requests_age'").get()).toBeUndefined();
});
