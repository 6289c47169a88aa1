// Listen sessions, their signing secret (one per API key, stable until rotated) and their durable
// event logs. fanOut runs inside the dispatcher's event transaction, so an event the API acknowledged
// is in every matching session's log. Limits: unacknowledged events are kept at most 24 h and at most
// 10,000 per session (the oldest go first; their session deliveries are marked failed so the Event
// Logs say why); acknowledged ones are deleted. A session that is not durable (the CLI deletes it when
// it exits) and has had no client for the idle grace is deleted too: a listen that was killed must not
// collect events, and hold `trigger --wait`, for a day.
import { createHash } from 'node:crypto';
import type { Delivery, ListenSession } from '../../contract/v1.js';
import { matchesAny } from '../../domain/event-types.js';
import { generateSecret } from '../../signing/sign.js';
import { isoSeconds, newId } from '../../util/ids.js';
import type { Db } from '../db/open.js';
import type { StoredEvent } from '../store/events.js';
import type { DeliveryStore } from '../store/deliveries.js';
import { createRelaySchema } from './schema.js';
import { defaultLimits } from '../store/limits.js';
import type { SessionLimits } from '../store/store.js';
import { DROPPED } from '../store/rows.js';

export { LOG_MAX_AGE_MS, LOG_MAX_EVENTS } from '../store/limits.js';

export interface SessionRow {
  id: string;
  key_hash: string;
  label: string | null;
  events: string; // JSON array
  created: string;
  last_seq: number;
  acked_seq: number;
  target_url: string | null;
  durable: number; // 1 = kept across CLI restarts (`listen --keep-session`), 0 = closed when its client is gone
  targets: string | null; // JSON array: the local URLs the client said it forwards to
}

export interface LogRow {
  seq: number;
  event_id: string;
  type: string;
  created: string;
  body: string;
  delivery_id: string;
  /** Only on rows held in memory (the age limit trims tails by it). */
  appended_at?: number;
}

/** In-memory mirror of what fanOut needs per session, so the hot path does no lookups. */
interface Live {
  id: string;
  /** The key_hash column: the session's owner. */
  owner: string;
  /** Ownership epoch: bumped each time a client connects (the previous socket is replaced). */
  epoch: number;
  patterns: string[];
  lastSeq: number;
  ackedSeq: number;
  url: string;
  durable: boolean;
  /** When its last client went away (or the emulator started); null while a client is connected. */
  idleSince: number | null;
  /** The newest committed log rows, so streaming a live event needs no SELECT. */
  tail: LogRow[];
}

const TAIL_ROWS = 1024;

/** What a session log row points at: an event, or an ingested request (id `req_…`, body kept in its own table). */
export type LogEntry = Pick<StoredEvent, 'id' | 'type' | 'created' | 'body'>;

export { INGEST_ID_PREFIX } from '../store/rows.js';

export function keyHash(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 32);
}

export class SessionStore {
  private readonly live = new Map<string, Live>();
  /**
   * Rows appended inside an event's transaction, by event id; they join the tails only after that
   * event's commit (the dispatcher may group several events in one transaction, one savepoint each).
   */
  private staged = new Map<string, Array<[Live, LogRow]>>();
  private readonly st;
  /** Builds the websocket frame of an ingested request's log row (set by the ingest part). */
  ingestFrame: ((row: LogRow) => string) | null = null;

  constructor(
    private readonly db: Db,
    private readonly deliveries: DeliveryStore,
    readonly limits: SessionLimits = defaultLimits(),
  ) {
    createRelaySchema(db);
    this.st = {
      secret: db.prepare('SELECT secret FROM listen_secrets WHERE key_hash = ?'),
      setSecret: db.prepare('INSERT INTO listen_secrets (key_hash, secret, updated) VALUES (?, ?, ?) ON CONFLICT (key_hash) DO UPDATE SET secret = excluded.secret, updated = excluded.updated'),
      insertSession: db.prepare('INSERT INTO listen_sessions (id, key_hash, label, events, created, durable, targets) VALUES (@id, @key_hash, @label, @events, @created, @durable, @targets)'),
      get: db.prepare('SELECT * FROM listen_sessions WHERE id = ?'),
      list: db.prepare('SELECT * FROM listen_sessions WHERE key_hash = ? ORDER BY created DESC, id DESC'),
      all: db.prepare('SELECT * FROM listen_sessions'),
      del: db.prepare('DELETE FROM listen_sessions WHERE id = ?'),
      delLog: db.prepare('DELETE FROM listen_log WHERE session_id = ?'),
      append: db.prepare('INSERT INTO listen_log (session_id, seq, event_id, type, created, body, delivery_id, appended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      // last_seq is not written with each event (a page per event): a session's log holds its newest
      // row, or the rows went with an ack (acked_seq) or a trim that writes last_seq first.
      setLast: db.prepare('UPDATE listen_sessions SET last_seq = MAX(last_seq, ?) WHERE id = ?'),
      newestInLog: db.prepare('SELECT MAX(seq) FROM listen_log WHERE session_id = ?').pluck(),
      setAcked: db.prepare('UPDATE listen_sessions SET acked_seq = MAX(acked_seq, ?), target_url = COALESCE(?, target_url) WHERE id = ?'),
      trim: db.prepare('DELETE FROM listen_log WHERE session_id = ? AND seq <= ?'),
      read: db.prepare('SELECT seq, event_id, type, created, body, delivery_id FROM listen_log WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      droppedBySeq: db.prepare('SELECT delivery_id FROM listen_log WHERE session_id = ? AND seq <= ?').pluck(),
      // The session's first row young enough to keep (rows are appended in time order: all before it are expired).
      firstYoung: db.prepare('SELECT seq FROM listen_log WHERE session_id = ? AND appended_at >= ? ORDER BY seq LIMIT 1').pluck(),
      since: db.prepare('SELECT id, type, created, body FROM events WHERE created >= ? AND (? IS NULL OR owner = ?) ORDER BY seq'),
    };
    for (const r of this.st.all.all() as SessionRow[]) this.remember(r);
  }

  secretFor(hash: string): string {
    const row = this.st.secret.get(hash) as { secret: string } | undefined;
    if (row) return row.secret;
    const secret = generateSecret();
    this.st.setSecret.run(hash, secret, new Date().toISOString());
    return secret;
  }

  rotateSecret(hash: string): string {
    const secret = generateSecret();
    this.st.setSecret.run(hash, secret, new Date().toISOString());
    return secret;
  }

  /**
   * A new session; with `sinceSec`, recent matching events are put in its log first (catch-up).
   * `within` runs inside the same transaction (the ingest part subscribes the session to its channels there).
   */
  create(hash: string, input: { events: string[]; label: string | null; sinceSec?: number; durable?: boolean; targets?: string[]; eventsOwner?: string }, within?: (sessionId: string) => void): SessionRow {
    const targets = input.targets?.length ? JSON.stringify(input.targets) : null;
    const row: SessionRow = { id: newId('ls'), key_hash: hash, label: input.label, events: JSON.stringify(input.events), created: isoSeconds(), last_seq: 0, acked_seq: 0, target_url: null, durable: input.durable ? 1 : 0, targets };
    const before = new Set(this.staged.keys());
    const fresh = () => [...this.staged.keys()].filter((eventId) => !before.has(eventId));
    try {
      this.db.transaction(() => {
        this.st.insertSession.run(row);
        const live = this.remember(row);
        if (input.sinceSec) {
          const from = isoSeconds(Date.now() - input.sinceSec * 1000);
          const owner = input.eventsOwner ?? null;
          for (const e of this.st.since.all(from, owner, owner) as StoredEvent[]) if (matchesAny(live.patterns, e.type)) this.append(live, e);
        }
        within?.(row.id);
      })();
    } catch (err) {
      this.live.delete(row.id);
      for (const eventId of fresh()) this.staged.delete(eventId);
      throw err;
    }
    for (const eventId of fresh()) this.committed(eventId);
    return this.get(row.id)!;
  }

  get(id: string): SessionRow | undefined {
    const row = this.st.get.get(id) as SessionRow | undefined;
    const live = row && this.live.get(id);
    return row && live ? { ...row, last_seq: live.lastSeq, acked_seq: Math.max(row.acked_seq, live.ackedSeq) } : row;
  }

  list(hash: string): SessionRow[] {
    return (this.st.list.all(hash) as SessionRow[]).map((r) => this.get(r.id) ?? r);
  }

  delete(id: string, reason = 'dropped: the listen session was closed before a client acknowledged it'): boolean {
    const had = this.live.delete(id);
    this.db.transaction(() => {
      this.deliveries.failDropped(this.st.droppedBySeq.all(id, Number.MAX_SAFE_INTEGER) as string[], reason);
      this.st.del.run(id);
      this.st.delLog.run(id);
    })();
    return had;
  }

  /** EventSink.fanOut: append to every matching session's log (inside the event's transaction); with `owner`, only that owner's sessions. */
  fanOut(event: StoredEvent, owner?: string): Delivery[] {
    const out: Delivery[] = [];
    for (const s of this.live.values()) if ((owner === undefined || s.owner === owner) && matchesAny(s.patterns, event.type)) out.push(this.append(s, event));
    return out;
  }

  /** A client connected: the new ownership epoch (acks carrying an older one are ignored). */
  claim(id: string): number {
    const s = this.live.get(id);
    return s ? ++s.epoch : 0;
  }

  epoch(id: string): number {
    return this.live.get(id)?.epoch ?? 0;
  }

  /** Append one entry to one session's log, inside the caller's transaction (then committed() / rollback() by its id). */
  appendTo(sessionId: string, entry: LogEntry): Delivery | null {
    const s = this.live.get(sessionId);
    return s ? this.append(s, entry) : null;
  }

  /**
   * EventSink.rollback: the transaction that appended this event was rolled back, so its log rows and
   * sequence numbers never existed. Forget the staged rows (they must never reach a tail) and give the
   * numbers back, so each session's log stays gap-free and its last_seq matches the database.
   */
  rollback(eventId: string): void {
    const rows = this.staged.get(eventId);
    if (!rows) return;
    this.staged.delete(eventId);
    // Everything appended after a rolled-back row was rolled back with it (later savepoints nest inside).
    for (const [s, row] of rows) if (s.lastSeq >= row.seq) s.lastSeq = row.seq - 1;
  }

  /** Events whose rows wait for their transaction's outcome (0 between transactions; for tests). */
  get stagedEvents(): number {
    return this.staged.size;
  }

  /** After an event's commit: its rows become readable from memory; returns the sessions to wake. */
  committed(eventId: string): string[] {
    const ids: string[] = [];
    const rows = this.staged.get(eventId) ?? [];
    this.staged.delete(eventId);
    for (const [s, row] of rows) {
      s.tail.push(row);
      if (s.tail.length > TAIL_ROWS) s.tail.splice(0, s.tail.length - TAIL_ROWS / 2);
      ids.push(s.id);
    }
    return ids;
  }

  read(sessionId: string, afterSeq: number, limit: number): LogRow[] {
    const live = this.live.get(sessionId);
    // Nothing was appended after it: a socket's pump ends every round with this read.
    if (live && afterSeq >= live.lastSeq && this.staged.size === 0) return [];
    const tail = live?.tail;
    if (tail?.length && tail[0].seq <= afterSeq + 1) {
      let i = tail.length;
      while (i > 0 && tail[i - 1].seq > afterSeq) i--;
      const out = tail.slice(i, i + limit);
      // Served from memory only when it is exactly what the SELECT would return: no gap anywhere.
      let ok = out.length > 0 && out[0].seq === afterSeq + 1;
      for (let k = 1; ok && k < out.length; k++) ok = out[k].seq === out[k - 1].seq + 1;
      if (ok) return out;
    }
    return this.st.read.all(sessionId, afterSeq, limit) as LogRow[];
  }

  /** In memory at once (the socket resumes from it); persisted by the ack batch. */
  noteAcked(sessionId: string, cursor: number, url: string | null): void {
    const s = this.live.get(sessionId);
    if (!s) return;
    if (cursor > s.ackedSeq) s.ackedSeq = cursor;
    if (url) s.url = url;
  }

  /** Persist a session's acknowledged cursor and drop its acknowledged log rows. Call inside a transaction. */
  persistAcked(sessionId: string): void {
    const s = this.live.get(sessionId);
    if (!s) return;
    this.st.setAcked.run(s.ackedSeq, s.url.startsWith('listen:') ? null : s.url, sessionId);
    this.st.trim.run(sessionId, s.ackedSeq);
    // The tail serves only what the table still has.
    let i = 0;
    while (i < s.tail.length && s.tail[i].seq <= s.ackedSeq) i++;
    if (i) s.tail.splice(0, i);
  }

  /** Drop log rows older than the age limit (run periodically); their deliveries are marked failed. */
  expire(now = Date.now()): number {
    const cutoff = now - this.limits.maxAgeMs;
    const hours = Math.round(this.limits.maxAgeMs / 3_600_000);
    let dropped = 0;
    const trimmed: Array<[Live, number]> = [];
    this.db.transaction(() => {
      for (const s of this.live.values()) {
        // A session's rows are appended in time order: the expired ones are those before its first young row.
        const young = this.st.firstYoung.get(s.id, cutoff) as number | undefined;
        const upTo = young !== undefined ? young - 1 : ((this.st.newestInLog.get(s.id) as number | null) ?? 0);
        if (upTo <= 0) continue;
        const ids = this.st.droppedBySeq.all(s.id, upTo) as string[];
        if (!ids.length) continue;
        this.deliveries.failDropped(ids, `dropped: listen session backlog older than ${hours} h while no client acknowledged it`);
        this.st.setLast.run(s.lastSeq, s.id);
        dropped += this.st.trim.run(s.id, upTo).changes;
        trimmed.push([s, upTo]);
      }
    })();
    for (const [s, upTo] of trimmed) if (s.tail.length && s.tail[0].seq <= upTo) s.tail = s.tail.filter((r) => r.seq > upTo);
    return dropped;
  }

  isLive(id: string): boolean {
    return this.live.has(id);
  }

  /** The hub's view of a session's client: connected now, or gone since `now`. */
  setConnected(id: string, connected: boolean, now = Date.now()): void {
    const s = this.live.get(id);
    if (s) s.idleSince = connected ? null : now;
  }

  isConnected(id: string): boolean {
    return this.live.get(id)?.idleSince === null;
  }

  /** When an idle session that is not durable will be deleted (null: connected or durable). */
  expiresAt(id: string, graceMs: number): number | null {
    const s = this.live.get(id);
    return s && !s.durable && s.idleSince !== null ? s.idleSince + graceMs : null;
  }

  /** Delete the sessions that are not durable and have had no client for `graceMs`; returns their ids. */
  expireIdle(graceMs: number, now = Date.now()): string[] {
    const ids = [...this.live.keys()].filter((id) => (this.expiresAt(id, graceMs) ?? Infinity) <= now);
    const minutes = Math.max(1, Math.round(graceMs / 60_000));
    for (const id of ids) this.delete(id, DROPPED.expired(minutes));
    return ids;
  }


  private remember(r: SessionRow): Live {
    const newest = (this.st.newestInLog.get(r.id) as number | null) ?? 0;
    const live: Live = { id: r.id, owner: r.key_hash, epoch: 0, patterns: JSON.parse(r.events) as string[], lastSeq: Math.max(r.last_seq, r.acked_seq, newest), ackedSeq: r.acked_seq, url: r.target_url ?? `listen:${r.id}`, durable: r.durable === 1, idleSince: Date.now(), tail: [] };
    this.live.set(r.id, live);
    return live;
  }

  private append(s: Live, e: LogEntry): Delivery {
    // The number is taken only once every write went through: a write that throws must not use one up.
    const seq = s.lastSeq + 1;
    const d = this.deliveries.createSessionDelivery(e.id, s.id, s.url, e.type, s.owner);
    const now = Date.now();
    this.st.append.run(s.id, seq, e.id, e.type, e.created, e.body, d.id, now);
    s.lastSeq = seq;
    const row: LogRow = { seq, event_id: e.id, type: e.type, created: e.created, body: e.body, delivery_id: d.id, appended_at: now };
    const staged = this.staged.get(e.id);
    if (staged) staged.push([s, row]);
    else this.staged.set(e.id, [[s, row]]);
    // Bounded backlog: when a client stays away, the oldest unacknowledged events go first.
    if (seq % 100 === 0 && seq - s.ackedSeq > this.limits.maxEvents) this.dropOldest(s, seq - this.limits.maxEvents);
    return d;
  }

  /** Backlog limit reached: log rows up to `upTo` go, and their deliveries say why they never arrive. */
  private dropOldest(s: Live, upTo: number): void {
    const limit = this.limits.maxEvents.toLocaleString('en-US');
    this.deliveries.failDropped(this.st.droppedBySeq.all(s.id, upTo) as string[], `dropped: listen session backlog limit (${limit} events) reached while no client was connected`);
    this.st.setLast.run(s.lastSeq, s.id);
    this.st.trim.run(s.id, upTo);
    // The tail must not serve what the database no longer has.
    if (s.tail.length && s.tail[0].seq <= upTo) s.tail = s.tail.filter((r) => r.seq > upTo);
  }
}
