// The RCManager webhooks API contract (what the emulator serves and the CLI speaks). Base path /v1.
// Shared by src/server (producer), the src/api client, the dashboard and the CLI. Types only.

/** The exact payload a receiver gets; the seed's shape. The API returns events in this shape too. */
export interface WebhookEvent {
  id: string; // evt_…
  type: string;
  created: string; // ISO-8601, second precision, e.g. 2024-12-25T10:30:00Z
  data: Record<string, unknown>;
}

export type EndpointStatus = 'enabled' | 'disabled';

export interface Endpoint {
  object: 'webhook_endpoint';
  id: string; // we_…
  url: string;
  events: string[];
  description: string | null;
  status: EndpointStatus;
  created: string;
  updated: string;
  /** whsec_…: only on create, rotate-secret and GET /v1/webhooks/:id/secret. */
  secret?: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface Attempt {
  number: number; // 1-based
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null; // "connect ECONNREFUSED", "timeout after 30000 ms", "redirect not followed (302)"...
  request_headers: Record<string, string>;
  response_headers: Record<string, string>;
  response_body: string; // excerpt, at most 20 KB
  manual: boolean; // true for a hand retry / replay
}

export interface Delivery {
  object: 'delivery';
  id: string; // dlv_…
  event_id: string;
  event_type: string;
  endpoint_id: string | null; // null for a listen-session delivery
  session_id: string | null; // ls_… for a listen-session delivery
  url: string; // target URL (for sessions: the local URL the CLI reported)
  status: DeliveryStatus;
  attempt_count: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created: string;
  updated: string;
  attempts?: Attempt[]; // present on GET /v1/deliveries/:id
}

export interface ListenSession {
  object: 'listen_session';
  id: string; // ls_…
  label: string | null;
  events: string[];
  ws_url: string; // ws://host:port/v1/listen-sessions/ls_…/ws
  secret: string; // whsec_…, stable per API key (rotate with POST /v1/listen-secret/rotate)
  created: string;
  last_seq: number; // newest sequence number appended to this session's log
  acked_seq: number; // newest sequence number acknowledged by a client
  connected: boolean;
  durable: boolean; // kept when its client exits (`listen --keep-session`); else deleted on exit or after the idle grace
  targets: string[]; // the local URLs its client forwards to (as the client declared them)
  expires_at: string | null; // when an idle, non-durable session will be deleted; null while connected or durable
}

export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export interface ApiErrorBody {
  error: { type: ApiErrorType; code: string; message: string; param?: string };
}

/** The largest request body the API takes (POST/PATCH JSON); a larger one is answered 413 body_too_large. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export type ApiErrorType =
  | 'invalid_request_error' // 400, 404, 409, 413, 422
  | 'authentication_error' // 401
  | 'rate_limit_error' // 429
  | 'api_error'; // 5xx

/** Body of POST /v1/events: dispatch an event (from a fixture) to every matching endpoint and session. */
export interface CreateEventRequest {
  type: string;
  data: Record<string, unknown>;
  id?: string; // default: generated evt_…
  created?: string; // default: now
}

export interface CreateEventResponse {
  event: WebhookEvent;
  deliveries: Delivery[]; // one per matching enabled endpoint and per matching listen session
}

/*
Routes (all need `Authorization: Bearer <key>`; bodies JSON; lists take `limit` (1-100, default 20) and
`starting_after` (an id), newest first):

POST   /v1/webhooks                     {url, events[], description?}           -> 201 Endpoint (with secret)
GET    /v1/webhooks                                                             -> List<Endpoint>
GET    /v1/webhooks/:id                                                         -> Endpoint
PATCH  /v1/webhooks/:id                 {url?, events?, description?, status?}  -> Endpoint
DELETE /v1/webhooks/:id                                                         -> {id, object, deleted: true}
POST   /v1/webhooks/:id/enable | /disable                                       -> Endpoint
POST   /v1/webhooks/:id/rotate-secret                                           -> Endpoint (with new secret)
GET    /v1/webhooks/:id/secret                                                  -> {secret}
POST   /v1/webhooks/:id/test            {type, data?}                           -> 201 CreateEventResponse (this endpoint only)
POST   /v1/events                       CreateEventRequest                      -> 201 CreateEventResponse
GET    /v1/events                       ?type= (or event_type=) &endpoint_id= &session_id= &status= -> List<WebhookEvent>
GET    /v1/events/:id                                                           -> WebhookEvent
POST   /v1/events/:id/resend            {endpoint_id?}                          -> 201 {deliveries: Delivery[]}
GET    /v1/deliveries                   ?endpoint_id=&session_id=&event_id=&event_type=&status=&attempted_from=&attempted_to= -> List<Delivery>
GET    /v1/deliveries/:id                                                       -> Delivery (with attempts)
GET    /v1/stats                        ?window=&bucket=&endpoint=|session=&event_type= -> Stats (src/contract/stats.ts)
POST   /v1/deliveries/:id/retry                                                 -> Delivery (409 while pending)
POST   /v1/deliveries/:id/attempts      {status_code, duration_ms, error?, request_headers?, response_headers?, response_body?} -> 201 Delivery (a CLI replay of a session delivery, manual)
POST   /v1/listen-sessions              {events?, label?, since?: seconds, durable?, targets?} -> 201 ListenSession
GET    /v1/listen-sessions                                                      -> List<ListenSession>
GET    /v1/listen-sessions/:id                                                  -> ListenSession
DELETE /v1/listen-sessions/:id                                                  -> {id, object, deleted: true}
GET    /v1/listen-secret                                                        -> {secret} (no session opened)
POST   /v1/listen-secret/rotate                                                 -> {secret}
GET    /v1/listen-sessions/:id/ws       websocket upgrade, Bearer auth at the handshake; see src/relay/protocol.ts
GET    /v1/health                       no auth                                 -> {ok, status: ok|degraded|down, version, store} (503 unless ok)
*/
