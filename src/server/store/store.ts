// The server's storage, as one async interface with two implementations: SQLite (src/server/store/
// sqlite/, the zero-setup default for `dev` and a one-node `serve`) and PostgreSQL (src/server/store/pg/,
// several `serve` nodes sharing one database). test/server/store-conformance.test.ts runs every
// behaviour below against both.
//
// Rules both keep:
// - Every resource belongs to an owner (an API key's id; DEFAULT_OWNER for the single-key server). A
//   call scoped by owner never sees another owner's rows: a foreign id is "not found".
// - accept() commits an event, its endpoint deliveries and its session-log rows in ONE transaction;
//   per-session sequence numbers are gap-free and readers see them in order.
// - Endpoint deliveries are worked under a lease with a fencing token: a result is written only while
//   the token still holds, so a node that lost its lease (paused, partitioned, presumed dead) cannot
//   overwrite what the node that took over recorded.
// - Notifications are sent after commit, never inside a transaction.
import type { Attempt, Delivery, DeliveryStatus, Endpoint, EndpointStatus, WebhookEvent } from '../../contract/v1.js';
import type { StatsCounts } from '../../contract/stats.js';
import type { Page, PageQuery } from './paginate.js';
import type { StatsFilterColumns, StatsRange } from './stats.js';

export type { Page, PageQuery } from './paginate.js';

/** The owner of everything made with the single `--api-key` (and of all data from before keys existed). */
export const DEFAULT_OWNER = 'default';

/** An event plus the exact bytes receivers get (signed and sent byte for byte, never re-serialized). */
export type StoredEvent = WebhookEvent & { body: string };

export interface EndpointTarget {
  id: string;
  owner: string;
  url: string;
  secret: string;
  status: EndpointStatus;
  events: string[];
}

export interface EndpointPatch {
  url?: string;
  events?: string[];
  description?: string | null;
  status?: EndpointStatus;
}

export interface EndpointsStore {
  /** The new endpoint, with its secret (shown this once). */
  create(owner: string, input: { url: string; events: string[]; description?: string | null }): Promise<Endpoint>;
  list(owner: string, page: PageQuery): Promise<Page<Endpoint>>;
  get(owner: string, id: string): Promise<Endpoint>;
  secret(owner: string, id: string): Promise<string>;
  update(owner: string, id: string, patch: EndpointPatch): Promise<Endpoint>;
  /** The endpoint with its new secret. */
  rotateSecret(owner: string, id: string): Promise<Endpoint>;
  /** The endpoint as it was. */
  delete(owner: string, id: string): Promise<Endpoint>;
  /** The owner's enabled endpoints. */
  enabled(owner: string): Promise<{ id: string; url: string }[]>;
}

/** Events that have a delivery to this endpoint / session / in this status (values schema-checked). */
export interface EventDeliveryFilter {
  endpoint_id?: string;
  session_id?: string;
  status?: string;
}

export interface EventsStore {
  get(owner: string, id: string): Promise<StoredEvent>;
  list(owner: string, page: PageQuery, type?: string, byDelivery?: EventDeliveryFilter): Promise<Page<WebhookEvent>>;
}

/** One event to commit. */
export interface AcceptItem {
  owner: string;
  event: StoredEvent;
  /** false for a resend: the event exists (same id, same bytes) and only gets new deliveries. */
  insert: boolean;
  /** Every enabled endpoint of the owner subscribed to the type, or exactly one (test event, resend to one). */
  endpoints: 'matching' | { only: string };
  /** Append to the owner's matching listen sessions' logs. */
  sessions: boolean;
}

/** What accept() committed for one item. */
export interface Accepted {
  event: StoredEvent;
  /** Endpoint deliveries first, then session deliveries: the API's answer. */
  deliveries: Delivery[];
  /** The endpoint deliveries, already leased to the accepting node: hand them to its engine. */
  claimed: ClaimedDelivery[];
  /** Sessions whose log grew (their sockets are woken). */
  sessionIds: string[];
}

/** A delivery row as the engine sees it. */
export interface DeliveryRow {
  id: string;
  owner: string;
  event_id: string;
  event_type: string;
  endpoint_id: string | null;
  session_id: string | null;
  url: string;
  status: DeliveryStatus;
  attempt_count: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: number | null; // ms since epoch
  manual: number; // 1 while a hand retry is pending: its failure ends the delivery
  created: string;
  updated: string;
}

/** An endpoint delivery leased to this node: everything needed to attempt it without another read. */
export interface ClaimedDelivery {
  row: DeliveryRow;
  /** Fencing token: the result is recorded only while it still holds. */
  token: number;
  body: string;
  /** undefined once the endpoint was deleted. */
  target: EndpointTarget | undefined;
}

/** One finished attempt and the delivery row as it is afterwards. */
export interface AttemptResult {
  row: DeliveryRow;
  attempt: Attempt;
}

export interface DeliveryFilters {
  endpoint_id?: string;
  session_id?: string;
  event_id?: string;
  event_type?: string;
  status?: DeliveryStatus;
  /** Had an attempt in [attempted_from, attempted_to): ISO-8601 times as toISOString() writes them. */
  attempted_from?: string;
  attempted_to?: string;
}

export interface ClaimOptions {
  now: number;
  limit: number;
  /** How long the lease holds; after it another node may take the delivery. */
  leaseMs: number;
  /** Endpoints whose local queue is full: their rows are left for later (or for other nodes). */
  excludeEndpoints?: string[];
}

export interface DeliveriesStore {
  get(owner: string, id: string, withAttempts?: boolean): Promise<Delivery>;
  list(owner: string, filters: DeliveryFilters, page: PageQuery): Promise<Page<Delivery>>;
  /** A hand retry: one more attempt, due now, leased to this node. 409 while pending or for a session delivery. */
  retry(owner: string, id: string, leaseMs: number): Promise<ClaimedDelivery>;
  /**
   * An attempt a listen client made of a session delivery by hand (a replay): recorded as one more attempt.
   * 409 for an endpoint delivery (the server sends those itself). Returns the delivery with its attempts.
   */
  recordClientAttempt(owner: string, id: string, attempt: Omit<Attempt, 'number'>): Promise<Delivery>;
  /**
   * Lease up to `limit` due endpoint deliveries nobody holds. On PostgreSQL a lease that ran out counts as
   * free (its node is presumed dead); on SQLite (one process) leases last until given back or written.
   */
  claimDue(o: ClaimOptions): Promise<ClaimedDelivery[]>;
  /** Give leases back (shutdown): the rows become claimable at once by any node. */
  release(claims: { id: string; token: number }[]): Promise<void>;
  /**
   * Record finished attempts (one transaction); a result whose token no longer holds is dropped.
   * Returns the deliveries as written.
   */
  recordResults(results: (AttemptResult & { token: number })[]): Promise<Delivery[]>;
  /** When the next endpoint delivery falls due after `now` (leases count: a leased row is due when its lease ends), or null. */
  nextDueAt(now: number): Promise<number | null>;
}

export interface SessionRow {
  id: string;
  owner: string;
  label: string | null;
  events: string[];
  created: string;
  last_seq: number;
  acked_seq: number;
  /** Where the client said it forwards (the Event Logs show it), or null before its first ack. */
  target_url: string | null;
  /** Kept while no client is connected (`listen --keep-session`); otherwise deleted after limits.idleMs without one. */
  durable: boolean;
  /** The local URLs the client said it forwards to. */
  targets: string[];
  /** A client is connected to it (on any node). */
  connected: boolean;
  /** When it is deleted for want of a client (ms since epoch), or null: connected, or durable. */
  expires_at: number | null;
}

export interface LogRow {
  seq: number;
  event_id: string;
  type: string;
  created: string;
  body: string;
  delivery_id: string;
}

/** A client's outcome for one session delivery, recorded under the session's ownership epoch. */
export interface SessionAck {
  sessionId: string;
  epoch: number;
  /** Everything up to here is acknowledged (log rows up to it can go). */
  cursor: number;
  deliveryId: string;
  url: string | null;
  attempt: Omit<Attempt, 'number'>;
  /** false for an attempt the client will make again (its receiver was down): the delivery stays pending, the cursor stays. */
  final: boolean;
}

export interface SessionLimits {
  /** Unacknowledged log rows older than this are dropped. */
  maxAgeMs: number;
  /** At most this many unacknowledged log rows per session (the oldest go first). */
  maxEvents: number;
  /** A session that is not durable is deleted after this long without a client. */
  idleMs: number;
}

export interface SessionsStore {
  readonly limits: SessionLimits;
  /** The owner's listen signing secret (created on first use, stable until rotated). */
  secret(owner: string): Promise<string>;
  rotateSecret(owner: string): Promise<string>;
  /** A new session; with `sinceSec`, recent matching events are put in its log first (catch-up). */
  create(owner: string, input: { events: string[]; label: string | null; sinceSec?: number; durable?: boolean; targets?: string[] }): Promise<SessionRow>;
  /** Any owner's session (the websocket checks the owner itself), or undefined. */
  get(id: string): Promise<SessionRow | undefined>;
  list(owner: string): Promise<SessionRow[]>;
  /** false when it did not exist (or is another owner's). Its unacknowledged deliveries are failed with the reason. */
  delete(owner: string, id: string): Promise<boolean>;
  /**
   * Clients of this node connected (true) or gone (false). While connected, call it again now and then:
   * on PostgreSQL a session whose node stopped refreshing it (the node died) counts as idle.
   */
  setConnected(ids: string[], connected: boolean, node: string, now?: number): Promise<void>;
  /** Delete the sessions that are not durable and have had no client for limits.idleMs; returns their ids. */
  expireIdle(now: number): Promise<string[]>;
  /**
   * A client connected to this node: take the session. Returns the new epoch; the node that held the
   * previous one is told (notifier 'session-claimed') and closes its socket.
   */
  claim(id: string, node: string): Promise<number>;
  /** The epoch currently holding the session (0 = never claimed). */
  epoch(id: string): Promise<number>;
  /** Log rows after `afterSeq`, in order, gap-free. */
  read(id: string, afterSeq: number, limit: number): Promise<LogRow[]>;
  /** Record acks (one transaction); the cursor moves only for acks whose epoch still holds. */
  recordAcks(acks: SessionAck[]): Promise<void>;
  /** Drop log rows older than the age limit; their deliveries are failed with the reason. Returns how many. */
  expire(now: number): Promise<number>;
}

export interface StatsQueries {
  /** Attempt counts and latency per time bucket, oldest first, empty buckets included (GET /v1/stats). */
  buckets(owner: string, range: StatsRange, filters: Omit<StatsFilterColumns, 'owner'>): Promise<StatsCounts[]>;
  /** The same over the whole range as one slice (exact percentiles). */
  total(owner: string, range: StatsRange, filters: Omit<StatsFilterColumns, 'owner'>): Promise<StatsCounts>;
}

export interface ApiKeyRecord {
  id: string; // key_…
  name: string;
  /** The first characters of the key, to tell keys apart in lists (never enough to use it). */
  prefix: string;
  created: string;
  revoked: string | null;
}

export interface KeysStore {
  /** Store a new key by its hash (the key itself is never stored). */
  create(input: { id: string; name: string; hash: string; prefix: string }): Promise<ApiKeyRecord>;
  list(): Promise<ApiKeyRecord[]>;
  /** false when there is no such (unrevoked) key. */
  revoke(id: string): Promise<boolean>;
  /** The unrevoked key with this hash, or undefined. */
  byHash(hash: string): Promise<ApiKeyRecord | undefined>;
}

/** What a node learns about changes made by any node (its own included). */
export interface NotifierEvents {
  /** Log rows were committed for these sessions. */
  sessions: [ids: string[]];
  /** Endpoint deliveries became claimable (new work elsewhere, released leases, hand retries). */
  work: [];
  /** A client took this session on `node` with `epoch`: any other holder closes its socket. */
  'session-claimed': [id: string, epoch: number, node: string];
  /** A listen session was deleted, or an owner's listen secret rotated (their sockets close). */
  'session-deleted': [id: string];
  'secret-rotated': [owner: string];
  /** An API key was created or revoked: drop cached key lookups. */
  keys: [];
  /** The dashboard's live stream: something of `owner` changed (see BusMessage). */
  bus: [msg: BusMessage];
}

export interface BusMessage {
  owner: string;
  kind: 'event.created' | 'delivery.updated' | 'endpoint.changed';
  id: string;
  deleted?: boolean;
}

export interface Notifier {
  on<K extends keyof NotifierEvents>(event: K, listener: (...args: NotifierEvents[K]) => void): void;
  off<K extends keyof NotifierEvents>(event: K, listener: (...args: NotifierEvents[K]) => void): void;
  /** Tell every node (this one at once, others after the current tick: coalesced). */
  publish<K extends keyof NotifierEvents>(event: K, ...args: NotifierEvents[K]): void;
  /** This node has live views open (true) or none left (false): other nodes then send it `bus` messages. */
  watching?(on: boolean): void;
  /** Another node has live views open (so `bus` messages are worth sending). */
  readonly othersWatching?: boolean;
}

export interface RetentionResult {
  /** Log rows dropped for age. */
  expiredLogRows: number;
  /** Sessions deleted for having had no client for too long. */
  expiredSessions: string[];
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** This process's name in leases and session ownership (unique per process). */
  readonly node: string;
  readonly endpoints: EndpointsStore;
  readonly events: EventsStore;
  readonly deliveries: DeliveriesStore;
  readonly sessions: SessionsStore;
  readonly keys: KeysStore;
  readonly stats: StatsQueries;
  readonly notifier: Notifier;
  /**
   * Commit events: each item is written with its deliveries and session-log rows in one transaction
   * (items may share one: group commit). An item that cannot be written (duplicate id: 409, unknown
   * endpoint: 404, disabled endpoint: 409) comes back as its Error without affecting the others.
   */
  accept(items: AcceptItem[], leaseMs: number): Promise<(Accepted | Error)[]>;
  /** Periodic upkeep (log expiry, idle sessions); on PostgreSQL one node at a time does it (advisory lock). */
  retention(now: number): Promise<RetentionResult | null>;
  /** Nodes sharing this store right now (1 for SQLite): per-key rate limits are split among them. */
  liveNodes(): number;
  /** A one-line state for /v1/health. */
  health(): Promise<{ ok: boolean; store: 'sqlite' | 'postgres'; detail?: string }>;
  close(): Promise<void>;
}
