// Pure mappings between stored rows and API objects, shared by the SQLite and PostgreSQL stores so
// both answer byte for byte the same.
import type { Attempt, Delivery, DeliveryStatus, Endpoint, EndpointStatus, WebhookEvent } from '../../contract/v1.js';
import { conflict, type ApiHttpError } from '../errors.js';
import type { AttemptResult, DeliveryRow, SessionRow, StoredEvent } from './store.js';

export interface EndpointRecord {
  id: string;
  owner: string;
  url: string;
  events: string; // JSON array
  description: string | null;
  status: EndpointStatus;
  secret: string;
  created: string;
  updated: string;
}

export interface AttemptRecord {
  delivery_id: string;
  number: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  request_headers: string;
  response_headers: string;
  response_body: string;
  manual: number;
}

/** Compact JSON in the seed's key order: the body receivers re-serialize with JSON.stringify must match it. */
export function eventBody(e: WebhookEvent): string {
  return JSON.stringify({ id: e.id, type: e.type, created: e.created, data: e.data });
}

export function storedEvent(r: { id: string; type: string; created: string; body: string }): StoredEvent {
  const parsed = JSON.parse(r.body) as WebhookEvent;
  return { id: r.id, type: r.type, created: r.created, data: parsed.data, body: r.body };
}

export function toPublic(e: StoredEvent): WebhookEvent {
  return { id: e.id, type: e.type, created: e.created, data: e.data };
}

export function toEndpoint(r: EndpointRecord, withSecret: boolean): Endpoint {
  return {
    object: 'webhook_endpoint',
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as string[],
    description: r.description,
    status: r.status,
    created: r.created,
    updated: r.updated,
    ...(withSecret ? { secret: r.secret } : {}),
  };
}

export function toDelivery(r: DeliveryRow): Delivery {
  return {
    object: 'delivery',
    id: r.id,
    event_id: r.event_id,
    event_type: r.event_type,
    endpoint_id: r.endpoint_id,
    session_id: r.session_id,
    url: r.url,
    status: r.status,
    attempt_count: r.attempt_count,
    last_status_code: r.last_status_code,
    last_error: r.last_error,
    next_attempt_at: r.status === 'pending' && r.next_attempt_at !== null ? new Date(r.next_attempt_at).toISOString() : null,
    created: r.created,
    updated: r.updated,
  };
}

export function toAttempt(a: AttemptRecord): Attempt {
  return {
    number: a.number,
    started_at: a.started_at,
    duration_ms: a.duration_ms,
    status_code: a.status_code,
    error: a.error,
    request_headers: JSON.parse(a.request_headers) as Record<string, string>,
    response_headers: JSON.parse(a.response_headers) as Record<string, string>,
    response_body: a.response_body,
    manual: a.manual === 1,
  };
}

/** The row after one attempt: `nextAt` null ends it with `status`; a number keeps it pending until then. */
export function applyAttempt<R extends DeliveryRow>(row: R, attempt: Omit<Attempt, 'number'>, status: DeliveryStatus, nextAt: number | null): AttemptResult & { row: R } {
  const number = row.attempt_count + 1;
  const next: R = {
    ...row,
    status: nextAt === null ? status : 'pending',
    attempt_count: number,
    last_status_code: attempt.status_code,
    last_error: attempt.error,
    next_attempt_at: nextAt,
    manual: 0,
    updated: new Date().toISOString(),
  };
  return { row: next, attempt: { ...attempt, number } };
}

/** The outcome a listen client reported: succeeded on 2xx, else failed (session deliveries are never retried by the server). */
export function sessionOutcome(statusCode: number | null): DeliveryStatus {
  return statusCode !== null && statusCode >= 200 && statusCode < 300 ? 'succeeded' : 'failed';
}

/** A listen session as both stores return it (`events` and `targets` stored as JSON text). */
export function toSessionRow(
  r: { id: string; owner: string; label: string | null; events: string; created: string; last_seq: number; acked_seq: number; target_url: string | null; durable: boolean; targets: string | null },
  connected: boolean,
  expiresAt: number | null,
): SessionRow {
  return {
    id: r.id,
    owner: r.owner,
    label: r.label,
    events: JSON.parse(r.events) as string[],
    created: r.created,
    last_seq: r.last_seq,
    acked_seq: r.acked_seq,
    target_url: r.target_url,
    durable: r.durable,
    targets: r.targets ? (JSON.parse(r.targets) as string[]) : [],
    connected,
    expires_at: connected || r.durable ? null : expiresAt,
  };
}

/** Log rows of ingested requests carry this id prefix; their frames are built by the ingest part. */
export const INGEST_ID_PREFIX = 'req_';

/** A client-side attempt reported for a delivery the server sends itself. */
export function endpointDelivery(id: string): ApiHttpError {
  return conflict(`Delivery ${id} goes to an endpoint, which the emulator sends itself: retry it with \`propitbox deliveries retry ${id}\``, 'endpoint_delivery', 'id');
}

/** Why a session delivery never reached a client. */
export const DROPPED = {
  deleted: 'dropped: the listen session was closed before a client acknowledged it',
  age: (hours: number) => `dropped: listen session backlog older than ${hours} h while no client acknowledged it`,
  backlog: (max: number) => `dropped: listen session backlog limit (${max.toLocaleString('en-US')} events) reached while no client was connected`,
  expired: (minutes: number) => `dropped: the listen session expired (no client connected for ${minutes} min)`,
};
