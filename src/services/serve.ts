// The `serve` service: the same server as `dev`, run for hosting (a team relay, a CI box). It takes an
// explicit API key (never generates one), writes no profile, logs JSON lines on stdout (one per request
// and one per delivery attempt, with no secrets: no keys, no query strings, ingest tokens shortened),
// and on SIGINT/SIGTERM shuts down within 5 s.
import { FailedError } from '../errors.js';
import type { Delivery } from '../contract/v1.js';
import { DataDirInUseError, PortInUseError, startEmulator, type Emulator } from '../server/emulator.js';
import { SERVER_VERSION } from '../server/routes/health.js';
import { stdout } from '../util/io.js';
import { setBounded } from '../util/bounded-map.js';

export interface ServeSettings {
  host: string;
  port: number;
  dataDir: string;
  /** postgres://…: several nodes share this database (the data dir is then unused). */
  databaseUrl?: string;
  databaseSchema?: string;
  apiKey?: string;
  adminKey?: string;
  publicUrl?: string;
  /** More Host names to answer to (--allowed-hosts). */
  allowedHosts?: string[];
  trustProxy: boolean;
  retrySchedule?: number[];
  deliveryTimeoutMs?: number;
  ingestMaxBody?: number;
  out?: (line: string) => void;
}

export const SHUTDOWN_MS = 5_000;

export async function runServe(s: ServeSettings): Promise<{ signal: NodeJS.Signals | null }> {
  const out = s.out ?? ((l: string) => stdout().write(l + '\n'));
  const log = (kind: string, fields: Record<string, unknown>) => out(JSON.stringify({ time: new Date().toISOString(), kind, ...fields }));
  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      host: s.host,
      port: s.port,
      dataDir: s.dataDir,
      databaseUrl: s.databaseUrl,
      databaseSchema: s.databaseSchema,
      apiKey: s.apiKey,
      adminKey: s.adminKey,
      publicUrl: s.publicUrl,
      allowedHosts: s.allowedHosts,
      trustProxy: s.trustProxy,
      retrySchedule: s.retrySchedule,
      deliveryTimeoutMs: s.deliveryTimeoutMs,
      ingestMaxBody: s.ingestMaxBody,
      log: (message) => log('error', { message }),
      accessLog: (e) => log('request', { ...e }),
    });
  } catch (e) {
    if (e instanceof PortInUseError) throw new FailedError(`Port ${e.port} is already in use: stop the other server or pass another --port`);
    if (e instanceof DataDirInUseError) throw new FailedError(`Data dir ${e.dataDir} is in use by another propitbox server: stop it or pass another --data-dir`);
    if (s.databaseUrl) throw databaseError(e as Error, s.databaseUrl);
    throw e;
  }
  const attempts = new AttemptLog((d) => log('delivery', deliveryFields(d)));
  emulator.bus.on('delivery.updated', attempts.onUpdate);
  const where = s.databaseUrl ? { store: 'postgres', database: redactUrl(s.databaseUrl), node: emulator.store.node } : { store: 'sqlite', data_dir: emulator.dataDir };
  log('ready', { url: emulator.url, public_url: s.publicUrl ?? null, ...where, version: SERVER_VERSION, trust_proxy: s.trustProxy });

  let onSignal!: (s: NodeJS.Signals) => void;
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    onSignal = resolve;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  log('stopping', { signal });
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    emulator.close().then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), SHUTDOWN_MS))),
  ]);
  clearTimeout(timer);
  emulator.bus.off('delivery.updated', attempts.onUpdate);
  if (timedOut) {
    emulator.app.server.closeAllConnections();
    log('error', { message: `shutdown took longer than ${SHUTDOWN_MS / 1000} s: open connections were cut` });
  }
  log('stopped', { ms: Date.now() - started });
  return { signal };
}

/**
 * delivery.updated also fires when a delivery is created or queued for a hand retry; an attempt is
 * when its attempt count grows (or a dropped one is failed without one). Bounded memory.
 */
class AttemptLog {
  private readonly seen = new Map<string, number>();

  constructor(private readonly write: (d: Delivery) => void) {}

  onUpdate = (d: Delivery, _owner: string, remote?: true): void => {
    // Another node's attempt: that node logs it.
    if (remote) return;
    const before = this.seen.get(d.id) ?? 0;
    const dropped = d.status === 'failed' && d.attempt_count === before && d.last_error?.startsWith('dropped');
    if (d.attempt_count <= before && !dropped) return;
    setBounded(this.seen, d.id, d.attempt_count, 50_000);
    this.write(d);
  };
}

function deliveryFields(d: Delivery): Record<string, unknown> {
  return {
    id: d.id,
    event_id: d.event_id,
    event_type: d.event_type,
    endpoint_id: d.endpoint_id,
    session_id: d.session_id,
    url: safeUrl(d.url),
    attempt: d.attempt_count,
    status: d.status,
    status_code: d.last_status_code,
    error: d.last_error,
    next_attempt_at: d.next_attempt_at,
  };
}

/** Receiver URLs may carry credentials (user:pass@, ?token=): log the origin and path only. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.split('?')[0];
  }
}

/** A database URL without its password (logs and messages never carry one). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an unparsable URL';
  }
}

/** Why PostgreSQL could not be used, in one line naming the fix. */
function databaseError(e: Error & { code?: string }, url: string): FailedError {
  const where = redactUrl(url);
  if (e.name === 'SchemaTooNewError') return new FailedError(`${e.message} (database ${where})`);
  if (e.code === '28P01' || e.code === '28000') return new FailedError(`PostgreSQL refused the credentials in --database-url (${where}): check the user and password`);
  if (e.code === '3D000') return new FailedError(`The database in --database-url does not exist (${where}): create it first (createdb)`);
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT' || /timeout/i.test(e.message)) return new FailedError(`Cannot reach PostgreSQL at ${where}: ${e.message}. Is it running and listening there?`);
  return new FailedError(`Cannot use PostgreSQL at ${where}: ${e.message}`);
}
