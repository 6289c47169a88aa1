// The event log. Each event keeps its exact raw JSON body: that string is what gets signed and sent,
// byte for byte, on every attempt, resend and listen forward, and what the API returns (parsed).
import type { WebhookEvent } from '../../contract/v1.js';
import type { Db } from '../db/open.js';
import { notFound } from '../errors.js';
import { paginate, StatementCache, type Page, type PageQuery } from './paginate.js';
import { storedEvent, toPublic } from './rows.js';
import { DEFAULT_OWNER, type StoredEvent } from './store.js';

export type { StoredEvent } from './store.js';
export { eventBody, toPublic } from './rows.js';

export interface EventDeliveryFilter {
  endpoint_id?: string;
  session_id?: string;
  status?: string;
}

interface EventRow {
  seq: number;
  id: string;
  owner: string;
  type: string;
  created: string;
  body: string;
}

export class EventStore {
  private readonly stmts: StatementCache;

  constructor(db: Db) {
    this.stmts = new StatementCache(db);
  }

  /** false (nothing written) when an event with this id exists: one statement, no lookup before it. */
  insert(e: StoredEvent, owner = DEFAULT_OWNER): boolean {
    return this.stmts.get('INSERT INTO events (id, owner, type, created, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING').run(e.id, owner, e.type, e.created, e.body).changes > 0;
  }

  /** With `owner`, another owner's event is not found (so for list). */
  get(id: string, owner?: string): StoredEvent {
    const row = this.stmts.get('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined;
    if (!row || (owner !== undefined && row.owner !== owner)) throw notFound('event', id);
    return storedEvent(row);
  }

  /**
   * `byDelivery`: only events with a delivery to this endpoint / session / in this status. The values
   * must be schema-checked (ids of [A-Za-z0-9_] only, status an enum): they go in as SQL literals.
   */
  list(page: PageQuery, type?: string, owner?: string, byDelivery: EventDeliveryFilter = {}): Page<WebhookEvent> {
    const conds = Object.entries(byDelivery).flatMap(([col, v]) => (v === undefined ? [] : [`${col} = '${String(v).replace(/'/g, "''")}'`]));
    const raw = conds.length ? [`id IN (SELECT event_id FROM deliveries WHERE ${conds.join(' AND ')})`] : [];
    const p = paginate<EventRow>(this.stmts, 'events', 'event', { type, owner }, page, raw);
    return { rows: p.rows.map((r) => toPublic(storedEvent(r))), has_more: p.has_more };
  }
}
