// A listen session's last_seq is not written with every event (SQLite): after a restart it is still
// the newest number handed out, whether its rows are in the log, were acknowledged and trimmed, or
// expired; the next event continues the sequence without a gap or a reuse.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { eventBody } from '../../src/server/store/rows.js';
import { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { DEFAULT_OWNER, type StoredEvent } from '../../src/server/store/store.js';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir: string): SqliteStore {
  const s = SqliteStore.open({ dataDir: dir, limits: { maxAgeMs: 60_000, maxEvents: 10_000, idleMs: 3_600_000 } });
  stores.push(s);
  return s;
}

async function restart(s: SqliteStore, dir: string): Promise<SqliteStore> {
  stores.splice(stores.indexOf(s), 1);
  await s.close();
  return open(dir);
}

let n = 0;
async function send(s: SqliteStore): Promise<{ seq: number; deliveryId: string }> {
  const e = { id: `evt_seq_${n++}`, type: 'vehicle.created', created: '2024-12-25T10:30:00Z', data: {} };
  const event: StoredEvent = { ...e, body: eventBody(e) };
  const [a] = await s.accept([{ owner: DEFAULT_OWNER, event, insert: true, endpoints: 'matching', sessions: true }]);
  if (a instanceof Error) throw a;
  const d = a.deliveries[0];
  const rows = await s.sessions.read(d.session_id!, 0, 1000);
  return { seq: rows.find((r) => r.delivery_id === d.id)!.seq, deliveryId: d.id };
}

it('continues each session log after a restart: rows kept, rows acknowledged and trimmed, rows expired', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'propitbox-seq-'));
  dirs.push(dir);
  let s = open(dir);
  const session = await s.sessions.create(DEFAULT_OWNER, { events: ['*'], label: null });
  for (let i = 1; i <= 3; i++) expect((await send(s)).seq).toBe(i);

  s = await restart(s, dir);
  expect(await s.sessions.get(session.id)).toMatchObject({ last_seq: 3, acked_seq: 0 });
  const fourth = await send(s);
  expect(fourth.seq).toBe(4);

  // Everything acknowledged: the log is trimmed empty, the numbers go on.
  const epoch = await s.sessions.claim(session.id, s.node);
  const attempt = { started_at: new Date().toISOString(), duration_ms: 1, status_code: 200, error: null, request_headers: {}, response_headers: {}, response_body: '', manual: false };
  await s.sessions.recordAcks([{ sessionId: session.id, epoch, cursor: 4, deliveryId: fourth.deliveryId, url: null, final: true, attempt }]);
  expect(await s.sessions.read(session.id, 0, 10)).toEqual([]);
  s = await restart(s, dir);
  expect(await s.sessions.get(session.id)).toMatchObject({ last_seq: 4, acked_seq: 4 });
  expect((await send(s)).seq).toBe(5);

  // Unacknowledged rows past the age limit: expired, and still no number is used twice.
  expect(await s.sessions.expire(Date.now() + 120_000)).toBe(1);
  s = await restart(s, dir);
  expect(await s.sessions.get(session.id)).toMatchObject({ last_seq: 5, acked_seq: 4 });
  expect((await send(s)).seq).toBe(6);
});
