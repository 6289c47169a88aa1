// Webhook endpoints (we_…). Keeps the enabled endpoints in memory for matching, because the
// dispatcher asks for them on every event and they change rarely.
import type { Endpoint, EndpointStatus } from '../../contract/v1.js';
import { matchesAny } from '../../domain/event-types.js';
import { generateSecret } from '../../signing/sign.js';
import { isoSeconds, newId } from '../../util/ids.js';
import type { Db } from '../db/open.js';
import { notFound } from '../errors.js';
import { paginate, StatementCache, type Page, type PageQuery } from './paginate.js';

interface EndpointRow {
  seq: number;
  id: string;
  url: string;
  events: string;
  description: string | null;
  status: EndpointStatus;
  secret: string;
  created: string;
  updated: string;
}

/** What the delivery engine needs to sign and send. */
export interface EndpointTarget {
  id: string;
  url: string;
  secret: string;
  status: EndpointStatus;
  events: string[];
}

export interface EndpointPatch {
  url?: string;
  events?: string[];
  description?: string | null;
  status?: EndpointStatus;
}

export class EndpointStore {
  private readonly stmts: StatementCache;
  private targets: Map<string, EndpointTarget> | null = null;

  constructor(private readonly db: Db) {
    this.stmts = new StatementCache(db);
  }

  create(input: { url: string; events: string[]; description?: string | null }): Endpoint {
    const now = isoSeconds();
    const row: EndpointRow = {
      seq: 0,
      id: newId('we'),
      url: input.url,
      events: JSON.stringify(input.events),
      description: input.description ?? null,
      status: 'enabled',
      secret: generateSecret(),
      created: now,
      updated: now,
    };
    this.stmts
      .get('INSERT INTO endpoints (id, url, events, description, status, secret, created, updated) VALUES (@id, @url, @events, @description, @status, @secret, @created, @updated)')
      .run(row);
    this.targets = null;
    return toEndpoint(row, true);
  }

  list(page: PageQuery): Page<Endpoint> {
    const p = paginate<EndpointRow>(this.stmts, 'endpoints', 'webhook endpoint', {}, page);
    return { rows: p.rows.map((r) => toEndpoint(r, false)), has_more: p.has_more };
  }

  get(id: string, withSecret = false): Endpoint {
    return toEndpoint(this.row(id), withSecret);
  }

  secret(id: string): string {
    return this.row(id).secret;
  }

  update(id: string, patch: EndpointPatch): Endpoint {
    const row = this.row(id);
    const next: EndpointRow = {
      ...row,
      url: patch.url ?? row.url,
      events: patch.events ? JSON.stringify(patch.events) : row.events,
      description: patch.description !== undefined ? patch.description : row.description,
      status: patch.status ?? row.status,
      updated: isoSeconds(),
    };
    this.stmts.get('UPDATE endpoints SET url = @url, events = @events, description = @description, status = @status, updated = @updated WHERE id = @id').run(next);
    this.targets = null;
    return toEndpoint(next, false);
  }

  rotateSecret(id: string): Endpoint {
    const row = this.row(id);
    const next = { ...row, secret: generateSecret(), updated: isoSeconds() };
    this.stmts.get('UPDATE endpoints SET secret = @secret, updated = @updated WHERE id = @id').run(next);
    this.targets = null;
    return toEndpoint(next, true);
  }

  delete(id: string): Endpoint {
    const row = this.row(id);
    this.stmts.get('DELETE FROM endpoints WHERE id = ?').run(id);
    this.targets = null;
    return toEndpoint(row, false);
  }

  /** Enabled endpoints subscribed to `type`. */
  matching(type: string): EndpointTarget[] {
    const out: EndpointTarget[] = [];
    for (const t of this.allTargets().values()) if (t.status === 'enabled' && matchesAny(t.events, type)) out.push(t);
    return out;
  }

  /** Any endpoint (enabled or not), or undefined once deleted. */
  target(id: string): EndpointTarget | undefined {
    return this.allTargets().get(id);
  }

  private allTargets(): Map<string, EndpointTarget> {
    if (!this.targets) {
      const rows = this.stmts.get('SELECT * FROM endpoints ORDER BY seq').all() as EndpointRow[];
      this.targets = new Map(rows.map((r) => [r.id, { id: r.id, url: r.url, secret: r.secret, status: r.status, events: JSON.parse(r.events) as string[] }]));
    }
    return this.targets;
  }

  private row(id: string): EndpointRow {
    const row = this.stmts.get('SELECT * FROM endpoints WHERE id = ?').get(id) as EndpointRow | undefined;
    if (!row) throw notFound('webhook endpoint', id);
    return row;
  }
}

function toEndpoint(r: EndpointRow, withSecret: boolean): Endpoint {
  return {
    object: 'webhook_endpoint',
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as string[],
    description: r.description,
    status: r.status,
    created: r.created,
    updated: r.updated,
    ...(withSecret ? { secret: r.secret } : {}),
  };
}
