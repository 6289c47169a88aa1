// Ingest channels: a public URL /in/<token> per channel, owned by the API key that made it. The token
// is 128 random bits (base32, lowercase), never chosen by a user. Live tokens are kept in memory (the
// public route resolves one per request without a query); rotated and deleted ones are remembered
// hashed, so their URL answers 410 Gone instead of 404.
import { createHash, randomBytes } from 'node:crypto';
import type { IngestChannel, IngestChannelInput, IngestResponseOptions } from '../../contract/ingest.js';
import { newId } from '../../util/ids.js';
import type { Db } from '../db/open.js';
import { badRequest, notFound } from '../errors.js';
import { createIngestSchema } from './ingest-schema.js';
import { StatementCache } from './paginate.js';

export const WAIT_TIMEOUT_MAX_MS = 10_000;
export const DEFAULT_RATE = { perSecond: 100, burst: 1_000 };

/** Everything about a channel except its id, owner and token. */
export interface ChannelOptions {
  response: IngestResponseOptions;
  wait_for_response: boolean;
  wait_timeout_ms: number;
  rate_limit_per_second: number;
  rate_limit_burst: number;
}

export interface ChannelRow {
  id: string;
  key_hash: string;
  token: string;
  description: string | null;
  options: ChannelOptions;
  created: string;
  updated: string;
}

interface DbRow extends Omit<ChannelRow, 'options'> {
  seq: number;
  options: string;
}

export type TokenLookup = { channel: ChannelRow } | { retired: string } | null;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 128 random bits as 26 lowercase base32 characters. */
export function newToken(): string {
  const bytes = randomBytes(17); // 136 bits read, 130 used: 26 x 5 bits, the top 2 always random
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export const TOKEN_PATTERN = /^[a-z2-7]{26}$/;

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const DEFAULT_OPTIONS: ChannelOptions = {
  response: { status: 202, body: null, content_type: null },
  wait_for_response: false,
  wait_timeout_ms: WAIT_TIMEOUT_MAX_MS,
  rate_limit_per_second: DEFAULT_RATE.perSecond,
  rate_limit_burst: DEFAULT_RATE.burst,
};

/** Options after applying a create/patch body to `base`; throws 400 for combinations that cannot work. */
export function applyOptions(base: ChannelOptions, input: IngestChannelInput): ChannelOptions {
  const response = { ...base.response, ...(input.response ?? {}) };
  if (input.response && input.response.body !== undefined && input.response.body !== null && input.response.content_type === undefined && base.response.content_type === null) {
    response.content_type = 'text/plain; charset=utf-8';
  }
  const out: ChannelOptions = {
    response,
    wait_for_response: input.wait_for_response ?? base.wait_for_response,
    wait_timeout_ms: input.wait_timeout_ms ?? base.wait_timeout_ms,
    rate_limit_per_second: input.rate_limit_per_second ?? base.rate_limit_per_second,
    rate_limit_burst: input.rate_limit_burst ?? base.rate_limit_burst,
  };
  // A burst below the steady rate would cap the rate itself.
  out.rate_limit_burst = Math.max(out.rate_limit_burst, out.rate_limit_per_second);
  if (out.response.body !== null && Buffer.byteLength(out.response.body) > 64 * 1024) throw badRequest('response.body must be at most 64 KiB', 'response.body');
  return out;
}

export class ChannelStore {
  private readonly byToken = new Map<string, ChannelRow>();
  private readonly stmts: StatementCache;

  constructor(private readonly db: Db) {
    createIngestSchema(db);
    this.stmts = new StatementCache(db);
    for (const r of db.prepare('SELECT * FROM ingest_channels').all() as DbRow[]) {
      const row = fromDb(r);
      this.byToken.set(row.token, row);
    }
  }

  create(keyHash: string, input: IngestChannelInput): ChannelRow {
    const now = new Date().toISOString();
    const row: ChannelRow = { id: newId('ich'), key_hash: keyHash, token: newToken(), description: input.description ?? null, options: applyOptions(DEFAULT_OPTIONS, input), created: now, updated: now };
    this.stmts
      .get('INSERT INTO ingest_channels (id, key_hash, token, description, options, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.id, row.key_hash, row.token, row.description, JSON.stringify(row.options), row.created, row.updated);
    this.byToken.set(row.token, row);
    return row;
  }

  /** The caller's channel, or 404 (another key's channel is indistinguishable from none). */
  owned(keyHash: string, id: string): ChannelRow {
    const r = this.stmts.get('SELECT * FROM ingest_channels WHERE id = ?').get(id) as DbRow | undefined;
    if (!r || r.key_hash !== keyHash) throw notFound('ingest channel', id);
    return fromDb(r);
  }

  list(keyHash: string, limit: number, startingAfter?: string): { rows: ChannelRow[]; has_more: boolean } {
    let before = Number.MAX_SAFE_INTEGER;
    if (startingAfter) {
      const r = this.stmts.get('SELECT seq, key_hash FROM ingest_channels WHERE id = ?').get(startingAfter) as { seq: number; key_hash: string } | undefined;
      if (!r || r.key_hash !== keyHash) throw notFound('ingest channel', startingAfter, 'starting_after');
      before = r.seq;
    }
    const rows = this.stmts.get('SELECT * FROM ingest_channels WHERE key_hash = ? AND seq < ? ORDER BY seq DESC LIMIT ?').all(keyHash, before, limit + 1) as DbRow[];
    const has_more = rows.length > limit;
    return { rows: rows.slice(0, limit).map(fromDb), has_more };
  }

  update(keyHash: string, id: string, input: IngestChannelInput): ChannelRow {
    const row = this.owned(keyHash, id);
    const next: ChannelRow = { ...row, description: input.description === undefined ? row.description : input.description, options: applyOptions(row.options, input), updated: new Date().toISOString() };
    this.stmts.get('UPDATE ingest_channels SET description = ?, options = ?, updated = ? WHERE id = ?').run(next.description, JSON.stringify(next.options), next.updated, id);
    this.byToken.set(next.token, next);
    return next;
  }

  /** A new token; the old URL answers 410 from now on. */
  rotate(keyHash: string, id: string): ChannelRow {
    const row = this.owned(keyHash, id);
    const next: ChannelRow = { ...row, token: newToken(), updated: new Date().toISOString() };
    this.db.transaction(() => {
      this.retire(row, 'rotated');
      this.stmts.get('UPDATE ingest_channels SET token = ?, updated = ? WHERE id = ?').run(next.token, next.updated, id);
    })();
    this.byToken.delete(row.token);
    this.byToken.set(next.token, next);
    return next;
  }

  delete(keyHash: string, id: string): ChannelRow {
    const row = this.owned(keyHash, id);
    this.db.transaction(() => {
      this.retire(row, 'deleted');
      this.stmts.get('DELETE FROM ingest_channels WHERE id = ?').run(id);
      this.stmts.get('DELETE FROM ingest_subscriptions WHERE channel_id = ?').run(id);
    })();
    this.byToken.delete(row.token);
    return row;
  }

  /** The public route's lookup: a live channel, a retired token (410), or nothing (404). */
  lookup(token: string): TokenLookup {
    const channel = this.byToken.get(token);
    if (channel) return { channel };
    if (!TOKEN_PATTERN.test(token)) return null;
    const r = this.stmts.get('SELECT reason FROM ingest_retired_tokens WHERE token_hash = ?').get(tokenHash(token)) as { reason: string } | undefined;
    return r ? { retired: r.reason } : null;
  }

  private retire(row: ChannelRow, reason: 'rotated' | 'deleted'): void {
    this.stmts.get('INSERT OR REPLACE INTO ingest_retired_tokens (token_hash, channel_id, reason, retired) VALUES (?, ?, ?, ?)').run(tokenHash(row.token), row.id, reason, new Date().toISOString());
  }
}

function fromDb(r: DbRow): ChannelRow {
  return { id: r.id, key_hash: r.key_hash, token: r.token, description: r.description, options: { ...DEFAULT_OPTIONS, ...(JSON.parse(r.options) as Partial<ChannelOptions>) }, created: r.created, updated: r.updated };
}

export function toApiChannel(row: ChannelRow, publicBase: string): IngestChannel {
  const o = row.options;
  return {
    object: 'ingest_channel',
    id: row.id,
    url: `${publicBase}/in/${row.token}`,
    description: row.description,
    response: o.response,
    wait_for_response: o.wait_for_response,
    wait_timeout_ms: o.wait_timeout_ms,
    rate_limit_per_second: o.rate_limit_per_second,
    rate_limit_burst: o.rate_limit_burst,
    created: row.created,
    updated: row.updated,
  };
}
