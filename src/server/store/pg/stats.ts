// GET /v1/stats on PostgreSQL: the same statement as SQLite's (src/server/store/stats.ts), in PostgreSQL's
// spelling, scoped to one key.
import type { StatsCounts } from '../../../contract/stats.js';
import { countsFromRows, POSTGRES_STATS, statsQuery, type StatsFilterColumns, type StatsRange, type StatsRow } from '../stats.js';
import type { StatsQueries } from '../store.js';
import type { Pool } from './db.js';

export class PgStats implements StatsQueries {
  constructor(private readonly pool: Pool) {}

  async buckets(owner: string, range: StatsRange, filters: StatsFilterColumns): Promise<StatsCounts[]> {
    const q = statsQuery(POSTGRES_STATS, range, { ...filters, owner });
    return countsFromRows((await this.pool.query<StatsRow>(q.sql, q.params)).rows, range.buckets);
  }

  async total(owner: string, range: StatsRange, filters: StatsFilterColumns): Promise<StatsCounts> {
    return (await this.buckets(owner, { from: range.from, bucketMs: range.bucketMs * range.buckets, buckets: 1 }, filters))[0];
  }
}
