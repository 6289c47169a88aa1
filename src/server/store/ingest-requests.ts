// Stored ingest requests: exactly what a sender sent (method, path after the token, raw query, header
// pairs in order with duplicates, body bytes), written before the sender gets its answer. A request is
// `pending` until a listener acknowledges it with its local app's answer; pending ones wait for the
// next listener of the channel (bounded like session logs: 24 h, 10,000 per channel). Rows are kept
// 7 days (as far back as `listen --since` reaches), then deleted.
import { createHash } from 'node:crypto';
import type { IngestRequest, IngestRequestStatus, IngestRequestSummary } from '../../contract/ingest.js';
import type { Db } from '../db/open.js';
import { notFound } from '../errors.js';
import { sortableId } from '../ids.js';
import { createIngestSchema } from './ingest-schema.js';
import { StatementCache } from './paginate.js';

export const REQUEST_RETENTION_MS = 7 * 24 * 3600 * 1000;
export const PENDING_MAX_AGE_MS = 24 * 3600 * 1000;
export const PENDING_MAX = 10_000;

export interface NewRequest {
  channel_id: string;
  key_hash: string;
  method: string;
  path: string;
  query: string;
  headers: Array<[string, string]>;
  body: Buffer;
  remote_addr: string | null;
  received_ms: number;
}

export interface RequestRow extends Omit<NewRequest, 'headers'> {
  seq: number;
  id: string;
  headers: string; // JSON pairs
  content_type: string | null;
  content_length: number;
  received: string;
  event_type: string | null;
  event_id: string | null;
  status: IngestRequestStatus;
  forwarded_status: number | null;
  forwarded_error: string | null;
  forwarded_at: string | null;
}

/** What a session log needs to point at a request (its type is what --route patterns match). */
export interface RequestRef {
  id: string;
  type: string;
  created: string;
  received_ms: number;
}

/** The log-row type of a request that is not a JSON event. */
export const INGEST_TYPE = 'ingest';

const SUMMARY_COLS = 'seq, id, channel_id, key_hash, method, path, query, content_type, content_length, remote_addr, received, received_ms, event_type, event_id, status, forwarded_status, forwarded_error, forwarded_at';

export class RequestStore {
  private readonly stmts: StatementCache;

  constructor(db: Db) {
    createIngestSchema(db);
    this.stmts = new StatementCache(db);
  }

  /** Insert one request (inside the caller's transaction). */
  insert(n: NewRequest): RequestRow {
    const contentType = header(n.headers, 'content-type');
    const ev = sniffEvent(contentType, n.body);
    const row: RequestRow = {
      ...n,
      seq: 0,
      id: sortableId('req', n.received_ms),
      headers: JSON.stringify(n.headers),
      content_type: contentType,
      content_length: n.body.length,
      received: new Date(n.received_ms).toISOString(),
      event_type: ev?.type ?? null,
      event_id: ev?.id ?? null,
      status: 'pending',
      forwarded_status: null,
      forwarded_error: null,
      forwarded_at: null,
    };
    const info = this.stmts
      .get(
        `INSERT INTO ingest_requests (id, channel_id, key_hash, method, path, query, headers, body, content_type, content_length, remote_addr, received, received_ms, event_type, event_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.id, row.channel_id, row.key_hash, row.method, row.path, row.query, row.headers, row.body, row.content_type, row.content_length, row.remote_addr, row.received, row.received_ms, row.event_type, row.event_id);
    row.seq = Number(info.lastInsertRowid);
    return row;
  }

  /** The full request (body included), or undefined. */
  find(id: string): RequestRow | undefined {
    return this.stmts.get('SELECT * FROM ingest_requests WHERE id = ?').get(id) as RequestRow | undefined;
  }

  /** The caller's request with headers and body, or 404. */
  owned(keyHash: string, id: string): IngestRequest {
    const r = this.find(id);
    if (!r || r.key_hash !== keyHash) throw notFound('ingest request', id);
    return toFull(r);
  }

  list(channelId: string, limit: number, startingAfter?: string): { rows: IngestRequestSummary[]; has_more: boolean } {
    let before = Number.MAX_SAFE_INTEGER;
    if (startingAfter) {
      const r = this.stmts.get('SELECT seq, channel_id FROM ingest_requests WHERE id = ?').get(startingAfter) as { seq: number; channel_id: string } | undefined;
      if (!r || r.channel_id !== channelId) throw notFound('ingest request', startingAfter, 'starting_after');
      before = r.seq;
    }
    const rows = this.stmts.get(`SELECT ${SUMMARY_COLS} FROM ingest_requests WHERE channel_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`).all(channelId, before, limit + 1) as RequestRow[];
    return { rows: rows.slice(0, limit).map(toSummary), has_more: rows.length > limit };
  }

  /**
   * A new listener's backlog for one channel, oldest first: every pending request of the last 24 h
   * (at most 10,000, the newest), plus with `sinceMs` every request received since then.
   */
  backlog(channelId: string, now: number, sinceMs?: number): RequestRef[] {
    const from = Math.max(now - PENDING_MAX_AGE_MS, 0);
    const pending = this.stmts
      .get("SELECT id, event_type, received, received_ms, seq FROM ingest_requests WHERE channel_id = ? AND status = 'pending' AND received_ms >= ? ORDER BY seq DESC LIMIT ?")
      .all(channelId, from, PENDING_MAX) as Array<RefRow>;
    const recent = sinceMs === undefined ? [] : (this.stmts.get('SELECT id, event_type, received, received_ms, seq FROM ingest_requests WHERE channel_id = ? AND received_ms >= ? ORDER BY seq DESC LIMIT ?').all(channelId, sinceMs, PENDING_MAX) as Array<RefRow>);
    const bySeq = new Map<number, RefRow>();
    for (const r of [...pending, ...recent]) bySeq.set(r.seq, r);
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq).map(toRef);
  }

  /** A listener's local app answered (any status, or a final connection error): no longer pending. */
  markForwarded(id: string, status: number | null, error: string | null, at: string): void {
    this.stmts.get("UPDATE ingest_requests SET status = 'forwarded', forwarded_status = ?, forwarded_error = ?, forwarded_at = ? WHERE id = ?").run(status, error, at, id);
  }

  /** Delete requests older than the retention; returns how many. */
  expire(now = Date.now()): number {
    const cutoff = now - REQUEST_RETENTION_MS;
    // Requests are stored in arrival order, so the expired ones are those before the first young one
    // (found by walking from the oldest; no index on the time: one b-tree less written per request).
    const young = this.stmts.get('SELECT seq FROM ingest_requests WHERE received_ms >= ? ORDER BY seq LIMIT 1').get(cutoff) as { seq: number } | undefined;
    if (young) return this.stmts.get('DELETE FROM ingest_requests WHERE seq < ?').run(young.seq).changes;
    return this.stmts.get('DELETE FROM ingest_requests WHERE received_ms < ?').run(cutoff).changes;
  }
}

interface RefRow {
  id: string;
  event_type: string | null;
  received: string;
  received_ms: number;
  seq: number;
}

export function toRef(r: Pick<RequestRow, 'id' | 'event_type' | 'received' | 'received_ms'>): RequestRef {
  return { id: r.id, type: r.event_type ?? INGEST_TYPE, created: r.received, received_ms: r.received_ms };
}

/** The first value of a header (names compared case-insensitively). */
export function header(pairs: Array<[string, string]>, name: string): string | null {
  for (const [k, v] of pairs) if (k.length === name.length && k.toLowerCase() === name) return v;
  return null;
}

/** A JSON object body with string `id` and `type` (an RCManager event, or another provider's) names them. */
export function sniffEvent(contentType: string | null, body: Buffer): { id: string; type: string } | null {
  if (body.length === 0 || body.length > 1024 * 1024 || body[0] !== 0x7b /* { */) return null;
  if (contentType && !/json/i.test(contentType)) return null;
  try {
    const v = JSON.parse(body.toString('utf8')) as { id?: unknown; type?: unknown };
    if (typeof v?.type === 'string' && typeof v.id === 'string' && v.type.length <= 128 && v.id.length <= 128) return { id: v.id, type: v.type };
  } catch {
    /* not JSON: a raw request like any other */
  }
  return null;
}

export function toSummary(r: RequestRow): IngestRequestSummary {
  return {
    object: 'ingest_request',
    id: r.id,
    channel_id: r.channel_id,
    method: r.method,
    path: r.path,
    query: r.query,
    content_type: r.content_type,
    content_length: r.content_length,
    remote_addr: r.remote_addr,
    received: r.received,
    event_type: r.event_type,
    event_id: r.event_id,
    status: r.status,
    forwarded_status: r.forwarded_status,
    forwarded_error: r.forwarded_error,
    forwarded_at: r.forwarded_at,
  };
}

function toFull(r: RequestRow): IngestRequest {
  return { ...toSummary(r), headers: JSON.parse(r.headers) as Array<[string, string]>, body_base64: r.body.toString('base64'), body_sha256: createHash('sha256').update(r.body).digest('hex') };
}
