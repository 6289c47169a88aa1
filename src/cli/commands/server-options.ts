// Server options shared by `dev` and `serve`: parsed and checked here, usage errors (exit 2) naming the flag.
import { UsageError } from '../../errors.js';
import { parseDuration } from '../../util/duration.js';
import { parseSize } from '../../util/size.js';
import { parseAllowedHosts } from '../../server/host-allow.js';

const MAX_INGEST_BODY = 64 * 1024 * 1024;

export async function retryScheduleOption(value: string | undefined): Promise<number[] | undefined> {
  if (value === undefined) return undefined;
  const { parseRetrySchedule } = await import('../../server/delivery/schedule.js');
  if (value.trim() === '') throw new UsageError('--retry-schedule is empty: pass delays like 5s,30s,2m,10m,1h, or leave it out for that default');
  const schedule = parseRetrySchedule(value);
  if (!schedule) throw new UsageError(`--retry-schedule must be comma-separated durations like 5s,30s,2m,10m,1h, got '${value}'`);
  return schedule;
}

export function timeoutOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null || ms < 1) throw new UsageError(`--timeout must be a duration like 30s or 500ms, got '${value}'`);
  return ms;
}

export function publicUrlOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`--public-url '${value}' is not a URL: use e.g. https://relay.example.com`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--public-url must be an http:// or https:// URL, got '${value}'`);
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) throw new UsageError(`--public-url must be an origin without a path (the server's routes start at /), got '${value}'`);
  return u.origin;
}

export function ingestMaxBodyOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = parseSize(value);
  if (n === null || n < 1 || n > MAX_INGEST_BODY) throw new UsageError(`--ingest-max-body must be a size from 1 byte to 64MiB, like 10MiB or 25MB, got '${value}'`);
  return n;
}

/** --allowed-hosts a.test,.corp.example: more Host names the server answers to (DNS-rebinding defence). */
export function allowedHostsOption(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const hosts = parseAllowedHosts(value);
  if (typeof hosts === 'string') throw new UsageError(hosts);
  return hosts;
}

/** --database-url postgres://… (and its schema): a usage error (exit 2) for anything else. */
export function databaseOptions(url: string | undefined, schema: string | undefined): { databaseUrl?: string; databaseSchema?: string } {
  if (url === undefined || url === '') {
    if (schema !== undefined) throw new UsageError('--database-schema needs --database-url (it names a PostgreSQL schema)');
    return {};
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError('--database-url is not a URL: use postgres://user:password@host:5432/database');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new UsageError(`--database-url must be a postgres:// URL, got '${u.protocol}//…'`);
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new UsageError(`--database-schema must be lowercase letters, digits and _, got '${schema}'`);
  return { databaseUrl: url, databaseSchema: schema };
}
