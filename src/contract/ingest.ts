// The ingest part of the /v1 contract: channels (a public, write-only URL any sender POSTs to) and the
// raw requests they stored. Shared by the server, the CLI client and the dashboard. Types only.

/** What a channel answers the sender (default 202 {"id":"req_…"}); a sender may insist on 200. */
export interface IngestResponseOptions {
  status: number; // 200-299
  /** Exact body to answer with; null = {"id":"req_…"}. */
  body: string | null;
  content_type: string | null;
}

export interface IngestChannel {
  object: 'ingest_channel';
  id: string; // ich_…
  /** <public base>/in/<token>: a 128-bit write-only capability. Anyone with it can send, never read. */
  url: string;
  description: string | null;
  response: IngestResponseOptions;
  /** Hold the sender's request until a listener's local app answered (up to wait_timeout_ms), then pass that answer on. */
  wait_for_response: boolean;
  wait_timeout_ms: number; // at most 10000; 504 after it
  /** Requests per second before 429 (bursts up to rate_limit_burst). */
  rate_limit_per_second: number;
  rate_limit_burst: number;
  created: string;
  updated: string;
}

export interface IngestChannelInput {
  description?: string | null;
  response?: Partial<IngestResponseOptions>;
  wait_for_response?: boolean;
  wait_timeout_ms?: number;
  rate_limit_per_second?: number;
  rate_limit_burst?: number;
}

/** Where a request stands: waiting for a listener, or answered by one (any status). */
export type IngestRequestStatus = 'pending' | 'forwarded';

/** One stored request, as listed (no headers, no body). */
export interface IngestRequestSummary {
  object: 'ingest_request';
  id: string; // req_…
  channel_id: string;
  method: string;
  /** The path after the token ('' or '/…'), raw as sent. */
  path: string;
  /** The raw query string without '?' ('' when none). */
  query: string;
  content_type: string | null;
  content_length: number;
  remote_addr: string | null;
  received: string; // ISO-8601 with ms
  /** When the body is a JSON event ({id, type, ...}): its type and id. */
  event_type: string | null;
  event_id: string | null;
  status: IngestRequestStatus;
  /** The local app's answer as the listener reported it (null while pending, or on a connection error). */
  forwarded_status: number | null;
  forwarded_error: string | null;
  forwarded_at: string | null;
}

/** GET /v1/ingest-requests/:id: everything, exactly as received. */
export interface IngestRequest extends IngestRequestSummary {
  /** [name, value] in the order received, duplicates kept, names as the sender spelled them. */
  headers: Array<[string, string]>;
  body_base64: string;
  /** sha256 of the body bytes, hex. */
  body_sha256: string;
}

/*
Routes (Bearer auth unless said otherwise):
POST   /v1/ingest-channels              IngestChannelInput                      -> 201 IngestChannel
GET    /v1/ingest-channels                                                      -> List<IngestChannel>
GET    /v1/ingest-channels/:id                                                  -> IngestChannel
PATCH  /v1/ingest-channels/:id          IngestChannelInput                      -> IngestChannel
DELETE /v1/ingest-channels/:id                                                  -> {id, object, deleted: true}
POST   /v1/ingest-channels/:id/rotate-url                                       -> IngestChannel (old URL answers 410)
GET    /v1/ingest-channels/:id/requests ?limit=&starting_after=                 -> List<IngestRequestSummary>
GET    /v1/ingest-requests/:id                                                  -> IngestRequest
ANY    /in/<token>[/<path>][?<query>]   public, no key: stored, then 202 {"id":"req_…"} (or the channel's answer)
POST   /v1/listen-sessions              {…, ingest_channels?: ["ich_…"]}        -> the session also receives those channels' requests
*/
