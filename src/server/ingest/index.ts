// The emulator's ingest part, one per emulator (created on first use, like the relay): channels,
// stored requests, which listen sessions receive which channel, per-channel rate limits and the
// senders waiting for a local answer. A received request is committed together with its session-log
// rows (one transaction), then the subscribed sockets are woken: the same path as an event.
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { TokenBucket } from '../rate-limit.js';
import { relayFor, type Relay } from '../relay/index.js';
import type { PendingAck } from '../relay/ack-batcher.js';
import { INGEST_ID_PREFIX, type LogEntry } from '../relay/session-store.js';
import { ChannelStore, type ChannelRow } from '../store/ingest-channels.js';
import { RequestStore, INGEST_TYPE, type NewRequest, type RequestRef, type RequestRow } from '../store/ingest-requests.js';
import { FrameCache } from './frames.js';
import { AnswerWaiters, type LocalAnswer } from './waiters.js';
import type { SessionStore } from '../relay/session-store.js';
import { inTransaction, type Db } from '../db/open.js';
import { Piggyback } from '../store/sqlite/piggyback.js';
import { ApiHttpError } from '../errors.js';

export const DEFAULT_INGEST_MAX_BODY = 10 * 1024 * 1024;
const EXPIRE_EVERY_MS = 10 * 60_000;

export type Received = Omit<NewRequest, 'channel_id' | 'key_hash'>;

interface Pending {
  channel: ChannelRow;
  r: Received;
  resolve: (row: RequestRow) => void;
  reject: (err: Error) => void;
}

export class Ingest {
  readonly channels: ChannelStore;
  readonly requests: RequestStore;
  private readonly frames: FrameCache;
  private readonly waiters = new AnswerWaiters();
  /** channel id -> subscribed listen sessions. */
  private readonly subs = new Map<string, Set<string>>();
  private readonly buckets = new Map<string, { bucket: TokenBucket; updated: string }>();
  private readonly st;
  private readonly timer: NodeJS.Timeout;
  private readonly removeWriter: () => void;
  private group: Pending[] = [];

  /** Ingest runs on the SQLite store: its requests and their session-log rows share one SQLite transaction. */
  private readonly sessions: SessionStore;

  private readonly db: Db;
  private readonly piggyback: Piggyback;

  constructor(private readonly ctx: ServerContext, private readonly relay: Relay, readonly maxBody: number) {
    if (!ctx.sqlite) throw ingestNeedsSqlite();
    this.db = ctx.sqlite.db;
    this.sessions = ctx.sqlite.sessionStore;
    this.piggyback = ctx.sqlite.piggyback;
    this.channels = new ChannelStore(this.db);
    this.requests = new RequestStore(this.db);
    this.frames = new FrameCache((id) => this.requests.find(id));
    this.st = {
      subscribe: this.db.prepare('INSERT OR IGNORE INTO ingest_subscriptions (session_id, channel_id) VALUES (?, ?)'),
      unsubscribe: this.db.prepare('DELETE FROM ingest_subscriptions WHERE session_id = ?'),
    };
    for (const r of this.db.prepare('SELECT session_id, channel_id FROM ingest_subscriptions').all() as Array<{ session_id: string; channel_id: string }>) {
      if (this.sessions.isLive(r.session_id)) this.addSub(r.channel_id, r.session_id);
      else this.st.unsubscribe.run(r.session_id);
    }
    relay.hub.ingestFrame = (row) => this.frames.frame(row.seq, row.event_id);
    this.removeWriter = relay.acks.addWriter((batch) => this.onAcks(batch));
    this.timer = setInterval(() => this.expire(), EXPIRE_EVERY_MS);
    this.timer.unref();
  }

  /** Per-channel rate limit: false when the sender must slow down (then retryAfter()). */
  take(channel: ChannelRow, now = Date.now()): { ok: true } | { ok: false; retryAfter: number } {
    let b = this.buckets.get(channel.id);
    if (!b || b.updated !== channel.updated) {
      b = { bucket: new TokenBucket({ perSecond: channel.options.rate_limit_per_second, burst: channel.options.rate_limit_burst }, now), updated: channel.updated };
      this.buckets.set(channel.id, b);
    }
    return b.bucket.take(now) ? { ok: true } : { ok: false, retryAfter: b.bucket.retryAfter() };
  }

  /**
   * Store the request and append it to every subscribed session's log, then wake their sockets. The
   * requests that arrive in the same tick share one transaction (group commit: one disk write instead
   * of N); each resolves only once committed. A failed group is redone one request at a time, so only
   * the bad one fails.
   */
  receive(channel: ChannelRow, r: Received): Promise<RequestRow> {
    return new Promise((resolve, reject) => {
      this.group.push({ channel, r, resolve, reject });
      if (this.group.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.group;
    this.group = [];
    let rows: RequestRow[];
    try {
      rows = this.commit(batch);
    } catch {
      for (const item of batch) {
        try {
          item.resolve(this.commit([item])[0]);
        } catch (err) {
          item.reject(err as Error);
        }
      }
      return;
    }
    rows.forEach((row, i) => batch[i].resolve(row));
  }

  private commit(items: Pending[]): RequestRow[] {
    const rows: RequestRow[] = [];
    const stale = new Set<string>();
    // Ack writes waiting for a commit share this one.
    const acks = this.piggyback.take();
    try {
      inTransaction(this.db, () => {
        Piggyback.write(acks);
        for (const { channel, r } of items) {
          const row = this.requests.insert({ ...r, channel_id: channel.id, key_hash: channel.key_hash });
          rows.push(row);
          const entry = logEntry(row);
          for (const sid of this.subs.get(channel.id) ?? []) if (!this.sessions.appendTo(sid, entry)) stale.add(sid);
        }
      });
      this.piggyback.settle(acks, true);
    } catch (err) {
      this.piggyback.settle(acks, false);
      // Everything staged in the transaction is gone; the first row's rollback gives the seqs back.
      for (const row of rows) this.sessions.rollback(row.id);
      throw err;
    }
    const woken = new Set<string>();
    for (const row of rows) {
      const ids = this.sessions.committed(row.id);
      if (!ids.length) continue;
      this.frames.remember(row);
      for (const id of ids) woken.add(id);
    }
    if (woken.size) this.relay.hub.notify([...woken]);
    for (const sid of stale) this.unsubscribe(sid);
    return rows;
  }

  /** The local answer a listener reports for this request, or null after `timeoutMs`. */
  waitForAnswer(id: string, timeoutMs: number): Promise<LocalAnswer | null> {
    return this.waiters.wait(id, timeoutMs);
  }

  /**
   * For SessionStore.create: checks now that every channel is the caller's (404 otherwise), and returns
   * what runs inside the session's transaction: the subscription and the channel's backlog (pending
   * requests, plus with `sinceSec` everything received since then), oldest first.
   */
  subscriber(keyHash: string, channelIds: string[], sinceSec?: number): (sessionId: string) => void {
    const channels = [...new Set(channelIds)].map((id) => this.channels.owned(keyHash, id));
    return (sessionId) => {
      const now = Date.now();
      const refs: RequestRef[] = [];
      for (const c of channels) {
        this.st.subscribe.run(sessionId, c.id);
        this.addSub(c.id, sessionId);
        refs.push(...this.requests.backlog(c.id, now, sinceSec ? now - sinceSec * 1000 : undefined));
      }
      refs.sort((a, b) => a.received_ms - b.received_ms || (a.id < b.id ? -1 : 1));
      for (const ref of refs) this.sessions.appendTo(sessionId, { id: ref.id, type: ref.type, created: ref.created, body: '' });
    };
  }

  /** Channels a session receives. */
  channelsOf(sessionId: string): string[] {
    const out: string[] = [];
    for (const [ch, set] of this.subs) if (set.has(sessionId)) out.push(ch);
    return out;
  }

  deleteChannel(keyHash: string, id: string): ChannelRow {
    const row = this.channels.delete(keyHash, id);
    this.subs.delete(id);
    this.buckets.delete(id);
    return row;
  }

  close(): void {
    clearInterval(this.timer);
    this.removeWriter();
    this.waiters.cancelAll();
  }

  private onAcks(batch: PendingAck[]): void {
    const mine = batch.filter((p) => p.eventId.startsWith(INGEST_ID_PREFIX));
    if (!mine.length) return;
    // One commit for the batch (or a share of an event or request transaction that comes first), not one per request.
    this.piggyback
      .add(() => {
        for (const p of mine) this.requests.markForwarded(p.eventId, p.ack.status_code, p.ack.error, new Date(p.receivedAt).toISOString());
      }, true)
      .catch((err: Error) => this.ctx.log(`ingest: could not mark ${mine.length} request(s) forwarded: ${err.message}`));
    for (const { eventId, ack: a } of mine) this.waiters.settle(eventId, { status: a.status_code, headers: a.response_headers ?? {}, body: a.response_body ?? '', error: a.error });
  }

  private expire(): void {
    try {
      this.requests.expire();
    } catch (err) {
      this.ctx.log(`ingest: could not expire old requests: ${(err as Error).message}`);
    }
  }

  private addSub(channelId: string, sessionId: string): void {
    let set = this.subs.get(channelId);
    if (!set) this.subs.set(channelId, (set = new Set()));
    set.add(sessionId);
  }

  private unsubscribe(sessionId: string): void {
    this.st.unsubscribe.run(sessionId);
    for (const set of this.subs.values()) set.delete(sessionId);
  }
}

function logEntry(row: RequestRow): LogEntry {
  return { id: row.id, type: row.event_type ?? INGEST_TYPE, created: row.received, body: '' };
}

const instances = new WeakMap<ServerContext, Ingest>();

/** The emulator's ingest part (and its relay), created on first use. */
export function ingestFor(ctx: ServerContext, app: FastifyInstance): Ingest {
  let ingest = instances.get(ctx);
  if (!ingest) {
    ingest = new Ingest(ctx, relayFor(ctx, app), ctx.ingestMaxBody ?? DEFAULT_INGEST_MAX_BODY);
    instances.set(ctx, ingest);
  }
  return ingest;
}

/** Ingest URLs are not on PostgreSQL yet: a clear 501 in the error shape, never a half-working channel. */
export function ingestNeedsSqlite(): ApiHttpError {
  return new ApiHttpError(501, 'api_error', 'ingest_not_available', 'Ingest URLs are not available on a relay that runs on PostgreSQL yet: run `propitbox serve` without --database-url for ingest URLs');
}
