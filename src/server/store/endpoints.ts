// Webhook endpoints (we_…). Keeps the enabled endpoints in memory for matching, because the
// dispatcher asks for them on every event and they change rarely.
import type { Endpoint, EndpointStatus } from '../../contract/v1.js';
import { matchesAny } from '../../domain/event-types.js';
import { generateSecret } from '../../signing/sign.js';
import { isoSeconds, newId } from '../../util/ids.js';
import type { Db } from '../db/open.js';
import { notFound } from '../errors.js';
import { paginate, StatementCache, type Page, type PageQuery } from './paginate.js';
import { toEndpoint } from './rows.js';
import { DEFAULT_OWNER } from './store.js';

interface EndpointRow {
  seq: number;
  id: string;
  owner: string;
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
  owner: string;
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

  create(input: { url: string; events: string[]; description?: string | null }, owner = DEFAULT_OWNER): Endpoint {
    const now = isoSeconds();
    const row: EndpointRow = {
      seq: 0,
      id: newId('we'),
      owner,
      url: input.url,
      events: JSON.stringify(input.events),
      description: input.description ?? null,
      status: 'enabled',
      secret: generateSecret(),
      created: now,
      updated: now,
    };
    this.stmts
      .get('INSERT INTO endpoints (id, owner, url, events, description, status, secret, created, updated) VALUES (@id, @owner, @url, @events, @description, @status, @secret, @created, @updated)')
      .run(row);
    this.targets = null;
    return toEndpoint(row, true);
  }

  /** With `owner`, only that owner's endpoints (and another owner's id is not found); so for every method below. */
  list(page: PageQuery, owner?: string): Page<Endpoint> {
    const p = paginate<EndpointRow>(this.stmts, 'endpoints', 'webhook endpoint', { owner }, page);
    return { rows: p.rows.map((r) => toEndpoint(r, false)), has_more: p.has_more };
  }

  get(id: string, withSecret = false, owner?: string): Endpoint {
    return toEndpoint(this.row(id, owner), withSecret);
  }

  secret(id: string, owner?: string): string {
    return this.row(id, owner).secret;
  }

  update(id: string, patch: EndpointPatch, owner?: string): Endpoint {
    const row = this.row(id, owner);
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

  rotateSecret(id: string, owner?: string): Endpoint {
    const row = this.row(id, owner);
    const next = { ...row, secret: generateSecret(), updated: isoSeconds() };
    this.stmts.get('UPDATE endpoints SET secret = @secret, updated = @updated WHERE id = @id').run(next);
    this.targets = null;
    return toEndpoint(next, true);
  }

  delete(id: string, owner?: string): Endpoint {
    const row = this.row(id, owner);
    this.stmts.get('DELETE FROM endpoints WHERE id = ?').run(id);
    this.targets = null;
    return toEndpoint(row, false);
  }

  /** Enabled endpoints subscribed to `type`. */
  matching(type: string, owner?: string): EndpointTarget[] {
    const out: EndpointTarget[] = [];
    for (const t of this.allTargets().values()) if (t.status === 'enabled' && (owner === undefined || t.owner === owner) && matchesAny(t.events, type)) out.push(t);
    return out;
  }

  /** Every enabled endpoint. */
  enabled(): EndpointTarget[] {
    return [...this.allTargets().values()].filter((t) => t.status === 'enabled');
  }

  /** Any endpoint (enabled or not), or undefined once deleted. */
  target(id: string): EndpointTarget | undefined {
    return this.allTargets().get(id);
  }

  private allTargets(): Map<string, EndpointTarget> {
    if (!this.targets) {
      const rows = this.stmts.get('SELECT * FROM endpoints ORDER BY seq').all() as EndpointRow[];
      this.targets = new Map(rows.map((r) => [r.id, { id: r.id, owner: r.owner, url: r.url, secret: r.secret, status: r.status, events: JSON.parse(r.events) as string[] }]));
    }
    return this.targets;
  }

  private row(id: string, owner?: string): EndpointRow {
    const row = this.stmts.get('SELECT * FROM endpoints WHERE id = ?').get(id) as EndpointRow | undefined;
    if (!row || (owner !== undefined && row.owner !== owner)) throw notFound('webhook endpoint', id);
    return row;
  }
}
