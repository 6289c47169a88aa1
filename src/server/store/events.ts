// The event log. Each event keeps its exact raw JSON body: that string is what gets signed and sent,
// byte for byte, on every attempt, resend and listen forward, and what the API returns (parsed).
import type { WebhookEvent } from '../../contract/v1.js';
import type { Db } from '../db/open.js';
import { notFound } from '../errors.js';
import { paginate, StatementCache, type Page, type PageQuery } from './paginate.js';

/** An event plus the exact bytes receivers get. */
export type StoredEvent = WebhookEvent & { body: string };

interface EventRow {
  seq: number;
  id: string;
  type: string;
  created: string;
  body: string;
}

/** Compact JSON in the seed's key order: the body receivers re-serialize with JSON.stringify must match it. */
export function eventBody(e: WebhookEvent): string {
  return JSON.stringify({ id: e.id, type: e.type, created: e.created, data: e.data });
}

export class EventStore {
  private readonly stmts: StatementCache;

  constructor(db: Db) {
    this.stmts = new StatementCache(db);
  }

  insert(e: StoredEvent): void {
    this.stmts.get('INSERT INTO events (id, type, created, body) VALUES (?, ?, ?, ?)').run(e.id, e.type, e.created, e.body);
  }

  exists(id: string): boolean {
    return this.stmts.get('SELECT 1 FROM events WHERE id = ?').get(id) !== undefined;
  }

  get(id: string): StoredEvent {
    const row = this.stmts.get('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined;
    if (!row) throw notFound('event', id);
    return toStored(row);
  }

  list(page: PageQuery, type?: string): Page<WebhookEvent> {
    const p = paginate<EventRow>(this.stmts, 'events', 'event', { type }, page);
    return { rows: p.rows.map((r) => toPublic(toStored(r))), has_more: p.has_more };
  }
}

function toStored(r: EventRow): StoredEvent {
  const parsed = JSON.parse(r.body) as WebhookEvent;
  return { id: r.id, type: r.type, created: r.created, data: parsed.data, body: r.body };
}

export function toPublic(e: StoredEvent): WebhookEvent {
  return { id: e.id, type: e.type, created: e.created, data: e.data };
}
