// Newest-first keyset pagination shared by every list route: `starting_after` is an id, the cursor
// is that row's seq, and one extra row tells whether there is more.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';
import { notFound } from '../errors.js';

export interface PageQuery {
  limit: number;
  starting_after?: string;
}

export interface Page<R> {
  rows: R[];
  has_more: boolean;
}

/** Prepared statements cached per SQL text: list filters combine into a handful of shapes. */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();
  constructor(private readonly db: Db) {}
  get(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.prepare(sql)));
    return s;
  }
}

export function paginate<R>(
  stmts: StatementCache,
  table: string,
  what: string,
  filters: Record<string, string | number | undefined>,
  page: PageQuery,
  /** Trusted SQL conditions with literals (a literal lets SQLite pick a partial index), or with `?` and their values. */
  raw: Array<string | { sql: string; params: (string | number)[] }> = [],
): Page<R> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  for (const r of raw) {
    if (typeof r === 'string') where.push(r);
    else (where.push(r.sql), params.push(...r.params));
  }
  for (const [col, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    where.push(`${col} = ?`);
    params.push(value);
  }
  if (page.starting_after) {
    const row = stmts.get(`SELECT seq, ${filters.owner !== undefined ? 'owner' : "'' AS owner"} FROM ${table} WHERE id = ?`).get(page.starting_after) as { seq: number; owner: string } | undefined;
    // Another owner's id is unknown here, like any other id.
    if (!row || (filters.owner !== undefined && row.owner !== filters.owner)) throw notFound(what, page.starting_after, 'starting_after');
    where.push('seq < ?');
    params.push(row.seq);
  }
  const sql = `SELECT * FROM ${table}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
  const rows = stmts.get(sql).all(...params, page.limit + 1) as R[];
  const has_more = rows.length > page.limit;
  if (has_more) rows.pop();
  return { rows, has_more };
}
