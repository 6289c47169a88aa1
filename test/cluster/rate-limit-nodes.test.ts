// A key's rate limit holds across nodes: each live node on the shared database takes its share, so a
// script spraying one key over every node gets no more than the limit in all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { freshSchema, pgAvailable, type TestSchema } from '../helpers/pg.js';
import { waitFor } from '../helpers/wait-for.js';

describe.skipIf(!pgAvailable())('rate limits across nodes (PostgreSQL)', () => {
  let schema: TestSchema;
  const nodes: TestEmulator[] = [];
  beforeAll(async () => {
    schema = await freshSchema();
    // A tiny limit (and no refill to speak of) so the share is what is counted.
    for (let i = 0; i < 2; i++) nodes.push(await startTestEmulator({ databaseUrl: schema.url, databaseSchema: schema.schema, rateLimit: { perSecond: 0.001, burst: 20 } }));
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await schema?.drop();
  });

  it('gives each of two nodes half of a burst of 20', async () => {
    await waitFor(() => nodes.every((n) => n.emulator.store.liveNodes() === 2), { what: 'both nodes to see two live nodes' });
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) for (const n of nodes) statuses.push((await n.api('GET', '/v1/webhooks')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });
});
