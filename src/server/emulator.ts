// startEmulator(): the whole emulator in one call (database, stores, delivery engine, HTTP API).
// Used by `propitbox dev`, by tests in-process, and by the listen/dashboard parts through their plugins.
import type { FastifyInstance } from 'fastify';
import { buildApp, ROUTE_PLUGINS } from './app.js';
import { createAuth, storedApiKey, type Auth } from './auth.js';
import { EmulatorBus, type EmulatorBusEvents } from './bus.js';
import type { RoutePlugin, ServerContext } from './context.js';
import type { Db } from './db/open.js';
import { DeliveryEngine } from './delivery/engine.js';
import { DEFAULT_RETRY_SCHEDULE, DEFAULT_TIMEOUT_MS } from './delivery/schedule.js';
import { EventDispatcher } from './dispatcher.js';
import { DEFAULT_RATE_LIMIT, type RateLimit } from './rate-limit.js';
import { HostPolicy } from './host-allow.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { openStore } from './store/open-store.js';
import type { BusMessage, Store } from './store/store.js';
import { toPublic } from './store/rows.js';
import { StorageHealth } from './storage-health.js';

export { EmulatorBus } from './bus.js';
export { EventDispatcher, type StoredEvent } from './dispatcher.js';
export type { Db as Database } from './db/open.js';
export { DataDirInUseError } from './db/open.js';

export const DEFAULT_HOST = '127.0.0.1';

export interface EmulatorOptions {
  host?: string;
  port?: number;
  dataDir: string;
  /** Accept this key instead of the one stored in the data dir. */
  apiKey?: string;
  /** Enables /v1/api-keys: per-developer keys, each owning its own data. */
  adminKey?: string;
  /** postgres://…: keep everything in PostgreSQL (several nodes share it) instead of the data dir. */
  databaseUrl?: string;
  /** PostgreSQL schema (default public). */
  databaseSchema?: string;
  retrySchedule?: number[];
  deliveryTimeoutMs?: number;
  log?: (line: string) => void;
  /** Route plugins (default: ROUTE_PLUGINS). */
  plugins?: RoutePlugin[];
  /** Delivery concurrency caps (defaults 64 overall, 32 per endpoint). */
  maxInFlight?: number;
  perEndpoint?: number;
  /** Default 10k requests/s per key, bursts of 20k. */
  rateLimit?: RateLimit;
  /** Largest body an ingest URL accepts (default 10 MiB, --ingest-max-body). */
  ingestMaxBody?: number;
  /** The base URL clients reach this server at, e.g. https://relay.example.com (ingest URLs use it). */
  publicUrl?: string;
  trustProxy?: boolean;
  accessLog?: ServerContext['accessLog'];
  /** More Host names to answer to besides the bound address and loopback (DNS-rebinding defence). */
  allowedHosts?: string[];
}

export interface Emulator {
  url: string;
  apiKey: string;
  port: number;
  dataDir: string;
  /** The SQLite database (absent on PostgreSQL). */
  db?: Db;
  store: Store;
  app: FastifyInstance;
  bus: EmulatorBus;
  dispatcher: EventDispatcher;
  engine: DeliveryEngine;
  /** isValidApiKey(key) / authenticate(req), e.g. for the websocket handshake. */
  auth: Auth;
  context: ServerContext;
  /**
   * Stop: new requests get 503, no delivery attempt starts, relay sockets close with 1001 (listen
   * reconnects later), attempts already sending get `graceMs` (default 2 s) to be answered and recorded.
   */
  close(graceMs?: number): Promise<void>;
}

/** `propitbox dev` turns this into "Port N is already in use: …". */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`Port ${port} is already in use`);
    this.name = 'PortInUseError';
  }
}

export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  const log = opts.log ?? (() => undefined);
  const host = opts.host ?? DEFAULT_HOST;
  const hosts = new HostPolicy({ bindHost: host, publicUrl: opts.publicUrl, allowedHosts: opts.allowedHosts });
  const bus = new EmulatorBus();
  const store: Store = await openStore({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, schema: opts.databaseSchema, bus, log });
  const sqlite = store instanceof SqliteStore ? store : undefined;
  const db = sqlite?.db;
  const shared = store.kind === 'postgres';
  // Live views (dashboard, serve's log) see what every node changes.
  const unlinkBus = shared ? bus.link(store.notifier, (msg) => fetchForBus(store, msg)) : () => undefined;
  if (!db && !opts.apiKey && !opts.adminKey) {
    await store.close();
    throw new Error('An API key (or an admin key) is required with a database URL (there is no data dir to keep one in)');
  }
  // serve with only an admin key: every developer has their own key, nobody the single one.
  const apiKey = opts.apiKey ?? (opts.adminKey ? undefined : storedApiKey(db!));
  const auth = createAuth({ apiKey, adminKey: opts.adminKey, keys: store.keys, notifier: store.notifier });
  const storage = new StorageHealth(db);
  const engine = new DeliveryEngine(store.deliveries, store.notifier, {
    retrySchedule: opts.retrySchedule ?? DEFAULT_RETRY_SCHEDULE,
    timeoutMs: opts.deliveryTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxInFlight: opts.maxInFlight,
    perEndpoint: opts.perEndpoint,
    // Several nodes: hold only what can start soon (another node may take the rest), and look for
    // work other nodes released or left behind.
    perEndpointQueue: shared ? opts.perEndpoint ?? 32 : undefined,
    pollMs: shared ? 1_500 : 0,
    log,
    storage,
  });
  const dispatcher = new EventDispatcher(store, bus, engine);
  let url = '';
  const context: ServerContext = { store, sqlite, db, bus, auth, dispatcher, engine, dataDir: opts.dataDir, url: () => url, log, storage, rateLimit: opts.rateLimit ?? DEFAULT_RATE_LIMIT, ingestMaxBody: opts.ingestMaxBody, publicUrl: opts.publicUrl, trustProxy: opts.trustProxy, accessLog: opts.accessLog, hosts };

  let app: FastifyInstance | undefined;
  try {
    app = await buildApp(context, opts.plugins ?? ROUTE_PLUGINS);
    await app.listen({ host, port: opts.port ?? 4480 });
  } catch (err) {
    await app?.close().catch(() => undefined);
    await engine.stop(0);
    await store.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(opts.port ?? 4480);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 4480);
  url = `http://${urlHost(host)}:${port}`;
  engine.start();

  let closing: Promise<void> | undefined;
  const close = (graceMs = 2000) =>
    (closing ??= (async () => {
      // The engine stops starting attempts now and waits for the ones sending while the server closes.
      const engineStopped = engine.stop(graceMs);
      await app!.close().catch((e: Error) => log(`closing the HTTP server: ${e.message}`));
      await engineStopped;
      auth.close();
      unlinkBus();
      await store.close();
    })());

  return { url, apiKey: auth.apiKey ?? '', port, dataDir: opts.dataDir, db, store, app, bus, dispatcher, engine, auth, context, close };
}

/** A wildcard bind address is reached through loopback; IPv6 literals need brackets in URLs. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** What a `bus` message from another node names, read from the shared store. */
async function fetchForBus(store: Store, msg: BusMessage): Promise<EmulatorBusEvents[BusMessage['kind']][0] | undefined> {
  if (msg.kind === 'event.created') return toPublic(await store.events.get(msg.owner, msg.id));
  if (msg.kind === 'delivery.updated') return store.deliveries.get(msg.owner, msg.id, false);
  if (msg.deleted) return { object: 'webhook_endpoint', id: msg.id, deleted: true } as EmulatorBusEvents['endpoint.changed'][0];
  return store.endpoints.get(msg.owner, msg.id);
}
