// Webhook endpoints and events on PostgreSQL. Reads are scoped by owner: another owner's id is 404.
import type { Endpoint, WebhookEvent } from '../../../contract/v1.js';
import { generateSecret } from '../../../signing/sign.js';
import { isoSeconds, newId } from '../../../util/ids.js';
import { notFound } from '../../errors.js';
import { storedEvent, toEndpoint, toPublic, type EndpointRecord } from '../rows.js';
import type { EndpointPatch, EndpointsStore, EventDeliveryFilter, EventsStore, Page, PageQuery, StoredEvent } from '../store.js';
import type { Pool } from './db.js';
import { pgPage } from './paginate.js';

export class PgEndpoints implements EndpointsStore {
  constructor(private readonly pool: Pool) {}

  async create(owner: string, input: { url: string; events: string[]; description?: string | null }): Promise<Endpoint> {
    const now = isoSeconds();
    const r: EndpointRecord = { id: newId('we'), owner, url: input.url, events: JSON.stringify(input.events), description: input.description ?? null, status: 'enabled', secret: generateSecret(), created: now, updated: now };
    await this.pool.query('INSERT INTO endpoints (id, owner, url, events, description, status, secret, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [r.id, r.owner, r.url, r.events, r.description, r.status, r.secret, r.created, r.updated]);
    return toEndpoint(r, true);
  }

  async list(owner: string, page: PageQuery): Promise<Page<Endpoint>> {
    const p = await pgPage<EndpointRecord>(this.pool, 'endpoints', 'webhook endpoint', owner, {}, page);
    return { rows: p.rows.map((r) => toEndpoint(r, false)), has_more: p.has_more };
  }

  async get(owner: string, id: string): Promise<Endpoint> {
    return toEndpoint(await this.row(owner, id), false);
  }

  async secret(owner: string, id: string): Promise<string> {
    return (await this.row(owner, id)).secret;
  }

  async update(owner: string, id: string, patch: EndpointPatch): Promise<Endpoint> {
    const { rows } = await this.pool.query<EndpointRecord>(
      `UPDATE endpoints SET url = COALESCE($3, url), events = COALESCE($4, events),
         description = CASE WHEN $5::boolean THEN $6 ELSE description END, status = COALESCE($7, status), updated = $8
       WHERE id = $1 AND owner = $2 RETURNING *`,
      [id, owner, patch.url ?? null, patch.events ? JSON.stringify(patch.events) : null, patch.description !== undefined, patch.description ?? null, patch.status ?? null, isoSeconds()],
    );
    if (!rows.length) throw notFound('webhook endpoint', id);
    return toEndpoint(rows[0], false);
  }

  async rotateSecret(owner: string, id: string): Promise<Endpoint> {
    const { rows } = await this.pool.query<EndpointRecord>('UPDATE endpoints SET secret = $3, updated = $4 WHERE id = $1 AND owner = $2 RETURNING *', [id, owner, generateSecret(), isoSeconds()]);
    if (!rows.length) throw notFound('webhook endpoint', id);
    return toEndpoint(rows[0], true);
  }

  async delete(owner: string, id: string): Promise<Endpoint> {
    const { rows } = await this.pool.query<EndpointRecord>('DELETE FROM endpoints WHERE id = $1 AND owner = $2 RETURNING *', [id, owner]);
    if (!rows.length) throw notFound('webhook endpoint', id);
    return toEndpoint(rows[0], false);
  }

  async enabled(owner: string): Promise<{ id: string; url: string }[]> {
    const { rows } = await this.pool.query<{ id: string; url: string }>("SELECT id, url FROM endpoints WHERE owner = $1 AND status = 'enabled' ORDER BY seq", [owner]);
    return rows;
  }

  private async row(owner: string, id: string): Promise<EndpointRecord> {
    const { rows } = await this.pool.query<EndpointRecord>('SELECT * FROM endpoints WHERE id = $1 AND owner = $2', [id, owner]);
    if (!rows.length) throw notFound('webhook endpoint', id);
    return rows[0];
  }
}

export class PgEvents implements EventsStore {
  constructor(private readonly pool: Pool) {}

  async get(owner: string, id: string): Promise<StoredEvent> {
    const { rows } = await this.pool.query('SELECT id, type, created, body FROM events WHERE id = $1 AND owner = $2', [id, owner]);
    if (!rows.length) throw notFound('event', id);
    return storedEvent(rows[0]);
  }

  async list(owner: string, page: PageQuery, type?: string, byDelivery: EventDeliveryFilter = {}): Promise<Page<WebhookEvent>> {
    const conds = Object.entries(byDelivery).filter(([, v]) => v !== undefined);
    const raw = conds.length ? [{ sql: `id IN (SELECT event_id FROM deliveries WHERE ${conds.map(([col]) => `${col} = $?`).join(' AND ')})`, params: conds.map(([, v]) => v) }] : [];
    const p = await pgPage<{ id: string; type: string; created: string; body: string }>(this.pool, 'events', 'event', owner, { type }, page, raw, 'seq, id, type, created, body');
    return { rows: p.rows.map((r) => toPublic(storedEvent(r))), has_more: p.has_more };
  }
}
