// The `serve` service: the same server as `dev`, run for hosting (a team relay, a CI box). It takes an
// explicit API key (never generates one), writes no profile, logs JSON lines on stdout (one per request
// and one per delivery attempt, with no secrets: no keys, no query strings, ingest tokens shortened),
// and on SIGINT/SIGTERM shuts down within 5 s.
import { FailedError } from '../errors.js';
import type { Delivery } from '../contract/v1.js';
import { DataDirInUseError, PortInUseError, startEmulator, type Emulator } from '../server/emulator.js';
import { SERVER_VERSION } from '../server/routes/health.js';
import { stdout } from '../util/io.js';

export interface ServeSettings {
  host: string;
  port: number;
  dataDir: string;
  apiKey: string;
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
      apiKey: s.apiKey,
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
    throw e;
  }
  const attempts = new AttemptLog((d) => log('delivery', deliveryFields(d)));
  emulator.bus.on('delivery.updated', attempts.onUpdate);
  log('ready', { url: emulator.url, public_url: s.publicUrl ?? null, data_dir: emulator.dataDir, version: SERVER_VERSION, trust_proxy: s.trustProxy });

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

  onUpdate = (d: Delivery): void => {
    const before = this.seen.get(d.id) ?? 0;
    const dropped = d.status === 'failed' && d.attempt_count === before && d.last_error?.startsWith('dropped');
    if (d.attempt_count <= before && !dropped) return;
    this.seen.delete(d.id);
    this.seen.set(d.id, d.attempt_count);
    if (this.seen.size > 50_000) this.seen.delete(this.seen.keys().next().value!);
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
