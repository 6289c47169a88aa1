// API keys on PostgreSQL: stored by hash only; the key itself is shown once, at creation.
import type { ApiKeyRecord, KeysStore, Notifier } from '../store.js';
import type { Pool } from './db.js';

export class PgKeys implements KeysStore {
  constructor(
    private readonly pool: Pool,
    private readonly notifier: Notifier,
  ) {}

  async create(input: { id: string; name: string; hash: string; prefix: string }): Promise<ApiKeyRecord> {
    const created = new Date().toISOString();
    await this.pool.query('INSERT INTO api_keys (id, name, hash, prefix, created) VALUES ($1, $2, $3, $4, $5)', [input.id, input.name, input.hash, input.prefix, created]);
    this.notifier.publish('keys');
    return { id: input.id, name: input.name, prefix: input.prefix, created, revoked: null };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<ApiKeyRecord>('SELECT id, name, prefix, created, revoked FROM api_keys ORDER BY created DESC, id DESC');
    return rows;
  }

  async revoke(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE api_keys SET revoked = $2 WHERE id = $1 AND revoked IS NULL', [id, new Date().toISOString()]);
    // Every node drops its cached lookups at once: a revoked key is refused everywhere from here on.
    if (rowCount) this.notifier.publish('keys');
    return (rowCount ?? 0) > 0;
  }

  async byHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.pool.query<ApiKeyRecord>('SELECT id, name, prefix, created, revoked FROM api_keys WHERE hash = $1 AND revoked IS NULL', [hash]);
    return rows[0];
  }
}
