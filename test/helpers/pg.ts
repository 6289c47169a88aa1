// PostgreSQL for tests: PROPITBOX_TEST_DATABASE_URL names a server (.ci/run starts one with
// test/cluster/pg.sh). Each test gets its own schema, dropped afterwards, so tests can run in parallel
// on one database. Without the variable the PostgreSQL tests are skipped with a warning, except in CI
// (CI or PROPITBOX_REQUIRE_PG set), where a missing database is a failure, never a silent skip.
import { randomBytes } from 'node:crypto';

export const PG_URL = process.env.PROPITBOX_TEST_DATABASE_URL || undefined;
const required = !!(process.env.PROPITBOX_REQUIRE_PG || process.env.CI);

if (!PG_URL && required) {
  throw new Error('PROPITBOX_TEST_DATABASE_URL is not set but PostgreSQL tests are required here (CI / PROPITBOX_REQUIRE_PG): start one with `test/cluster/pg.sh start` and export its URL');
}
let warned = false;

/** True when PostgreSQL tests can run; warns once when they are skipped. */
export function pgAvailable(): boolean {
  if (!PG_URL && !warned) {
    warned = true;
    process.stderr.write('warning: PROPITBOX_TEST_DATABASE_URL is not set: PostgreSQL tests are skipped (start one with `URL=$(test/cluster/pg.sh start)`)\n');
  }
  return !!PG_URL;
}

export interface TestSchema {
  url: string;
  schema: string;
  drop(): Promise<void>;
}

/** A fresh, empty schema on the test server. */
export async function freshSchema(): Promise<TestSchema> {
  if (!PG_URL) throw new Error('PROPITBOX_TEST_DATABASE_URL is not set');
  const { default: pg } = await import('pg');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  return {
    url: PG_URL,
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
