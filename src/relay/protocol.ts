// The listen websocket wire protocol, version 1. JSON text frames; unknown `t` values are ignored by
// both sides so either can grow. The raw event body travels as a string and is never re-serialized:
// the CLI signs and POSTs exactly `body`.
//
// Flow: client connects (Bearer auth in the upgrade request) -> sends `hello` with the last sequence
// it acknowledged (null = resume after the server's acked cursor) -> server answers `welcome` and
// streams `event`s in seq order, at most `window` unacknowledged -> client sends one `ack` per event
// with the local outcome. Liveness: ws ping/pong control frames every `heartbeat_ms` both ways; a peer
// silent for 2 intervals is terminated.

export const PROTOCOL_VERSION = 1;

export interface HelloMsg {
  t: 'hello';
  v: number;
  last_seq: number | null;
  window?: number; // requested credit window (server caps it)
  client?: string; // "propitbox/0.1.0"
}

export interface AckMsg {
  t: 'ack';
  seq: number;
  event_id: string;
  url: string; // where the CLI forwarded it
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_headers?: Record<string, string>;
  response_body?: string; // excerpt
  request_headers?: Record<string, string>; // what the CLI sent (signatures included), for the Event Logs
  attempt?: number; // the X-ProPitbox-Attempt it sent
}

/**
 * An attempt that is not the final outcome (the receiver was down and the event is held for another
 * try): recorded in the Event Logs as an attempt, the delivery stays pending and its credit stays used.
 */
export interface AttemptMsg extends Omit<AckMsg, 't'> {
  t: 'attempt';
}

export interface WelcomeMsg {
  t: 'welcome';
  v: number;
  session_id: string;
  resume_after: number; // the server will send seq > resume_after
  last_seq: number;
  window: number;
  heartbeat_ms: number;
}

export interface EventMsg {
  t: 'event';
  seq: number;
  id: string; // evt_…
  type: string;
  created: string;
  body: string; // the exact JSON bytes to sign and forward
  delivery_id?: string; // this session's delivery of the event (dlv_…): replays are recorded on it
}

/**
 * A raw request some sender made to an ingest URL (/in/<token>/<path>): forwarded byte-exact with the
 * sender's own headers (no propitbox signature), acked like an event. Clients that do not know `ingest`
 * never get one: only sessions created with `ingest_channels` are sent them.
 */
export interface IngestMsg {
  t: 'ingest';
  seq: number;
  id: string; // req_…
  channel_id: string;
  method: string;
  path: string; // after the token: '' or '/…', raw as sent
  query: string; // raw, without '?'
  headers: Array<[string, string]>; // in order received, duplicates kept, names as sent
  body: string; // base64 of the exact bytes
  received_at: string;
  remote_addr: string | null;
  type: string | null; // when the body is a JSON event: its type and id
  event_id: string | null;
  missing?: true; // the stored request expired before it was sent: ack it, there is nothing to forward
}

export interface ErrorMsg {
  t: 'error';
  code: string; // 'session_not_found' | 'bad_message' | 'revoked' ...
  message: string;
}

/** Something the user should know that does not stop the session (e.g. an endpoint on the same URL). */
export interface NoticeMsg {
  t: 'notice';
  code: string; // 'duplicate_target'
  message: string;
}

export type ClientMsg = HelloMsg | AckMsg | AttemptMsg;
export type ServerMsg = WelcomeMsg | EventMsg | IngestMsg | ErrorMsg | NoticeMsg;

/** Close codes (4000-4999 are application-defined). */
export const CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  TOO_BIG: 1009,
  BAD_MESSAGE: 4400,
  UNAUTHORIZED: 4401,
  REVOKED: 4403,
  SESSION_NOT_FOUND: 4404,
  REPLACED: 4409, // another client took over this session
} as const;

export function parseMessage<T extends { t: string }>(raw: string): T | null {
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' && typeof v.t === 'string' ? (v as T) : null;
  } catch {
    return null;
  }
}
