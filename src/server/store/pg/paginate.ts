// Newest-first keyset pagination for PostgreSQL, the same contract as the SQLite one: `starting_after`
// is an id of the owner's (another owner's id is "not found"), one extra row tells whether there is more.
import { notFound } from '../../errors.js';
import type { Page, PageQuery } from '../store.js';
import type { Queryable } from './db.js';

export async function pgPage<R>(
  db: Queryable,
  table: string,
  what: string,
  owner: string,
  filters: Record<string, string | number | undefined>,
  page: PageQuery,
  /** Trusted SQL conditions: literals, or `$?` placeholders for their params. */
  raw: (string | { sql: string; params: unknown[] })[] = [],
  columns = '*',
): Promise<Page<R>> {
  const params: unknown[] = [owner];
  const where = ['owner = $1'];
  for (const r of raw) {
    if (typeof r === 'string') {
      where.push(r);
      continue;
    }
    let i = 0;
    where.push(r.sql.replace(/\$\?/g, () => (params.push(r.params[i++]), `$${params.length}`)));
  }
  for (const [col, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${col} = $${params.length}`);
  }
  if (page.starting_after) {
    const { rows } = await db.query<{ seq: number }>(`SELECT seq FROM ${table} WHERE id = $1 AND owner = $2`, [page.starting_after, owner]);
    if (!rows.length) throw notFound(what, page.starting_after, 'starting_after');
    params.push(rows[0].seq);
    where.push(`seq < $${params.length}`);
  }
  params.push(page.limit + 1);
  const { rows } = await db.query(`SELECT ${columns} FROM ${table} WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.length}`, params);
  const has_more = rows.length > page.limit;
  if (has_more) rows.pop();
  return { rows: rows as R[], has_more };
}
