// What route plugins get: the emulator's stores, dispatcher, bus and auth. Plugins written by other
// parts (listen sessions, dashboard, SSE stream) receive the same object.
import type { FastifyInstance } from 'fastify';
import type { Auth } from './auth.js';
import type { HostPolicy } from './host-allow.js';
import type { RateLimit } from './rate-limit.js';
import type { EmulatorBus } from './bus.js';
import type { Db } from './db/open.js';
import type { DeliveryEngine } from './delivery/engine.js';
import type { EventDispatcher } from './dispatcher.js';
import type { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';
import type { StorageHealth } from './storage-health.js';

export interface ServerContext {
  /** Endpoints, events, deliveries, sessions, keys: SQLite or PostgreSQL behind one interface. */
  store: Store;
  /** The SQLite store and its database, for the parts that still use them directly (ingest URLs); absent on PostgreSQL. */
  sqlite?: SqliteStore;
  db?: Db;
  bus: EmulatorBus;
  auth: Auth;
  dispatcher: EventDispatcher;
  engine: DeliveryEngine;
  dataDir: string;
  /** http://host:port once listening (empty before). */
  url(): string;
  log: (line: string) => void;
  /** Whether writes to the data dir work (disk full -> 507, health degraded). */
  storage: StorageHealth;
  /** Requests per second per API key before 429. */
  rateLimit: RateLimit;
  /** Largest body an ingest URL accepts (default 10 MiB). */
  ingestMaxBody?: number;
  /** The base URL clients reach this server at (--public-url), for ingest URLs; default: the request's own. */
  publicUrl?: string;
  /** Trust X-Forwarded-For/-Proto/-Host (behind a reverse proxy, --trust-proxy). */
  trustProxy?: boolean;
  /** Called once per finished HTTP request (`propitbox serve` logs it). */
  accessLog?: (entry: AccessLogEntry) => void;
  /** The Host allow-list (and `publicUrl`, where clients reach the server). */
  hosts: HostPolicy;
}

export interface AccessLogEntry {
  method: string;
  /** The route path with capability tokens shortened and no query string (queries may carry keys). */
  path: string;
  status: number;
  ms: number;
  remote: string;
}

/**
 * A route plugin: registers routes (and hooks) on its own encapsulated fastify instance.
 * Every route needs the API key unless declared with `config: { public: true }` (src/server/access.ts).
 */
export type RoutePlugin = (app: FastifyInstance, ctx: ServerContext) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The owner (API key id) whose data this request reaches; '' on public routes. */
    owner: string;
  }
  interface FastifyContextConfig {
    /** Answer without the API key (health, the dashboard's static files). Routes are protected by default. */
    public?: boolean;
    /** Needs the admin key (`serve --admin-key`) instead of a developer key; reaches no data. */
    admin?: boolean;
  }
}
