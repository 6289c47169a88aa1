// An ingested request on the listen side: what the relay sent (IngestMsg), what the API returns
// (IngestRequest), what the history file keeps, and the view renderers get (no bytes: the TUI keeps
// hundreds of rows). Pure conversions.
import type { IngestRequest } from '../contract/ingest.js';
import { bodyText, isText } from '../util/body-text.js';
import type { IngestMsg } from './protocol.js';

/** Routes match this type for a request whose body is not a JSON event. */
export const INGEST_TYPE = 'ingest';
/** Bodies up to this size are kept in the history file (bigger ones are fetched from the relay to replay). */
export const HISTORY_BODY_BYTES = 256 * 1024;

export interface IngestItem {
  channelId: string;
  method: string;
  path: string;
  query: string;
  headers: Array<[string, string]>;
  body: Buffer;
  receivedAt: string;
  remoteAddr: string | null;
  eventType: string | null;
  eventId: string | null;
}

/** For renderers: everything but the bytes. */
export interface IngestView {
  channelId: string;
  method: string;
  path: string;
  query: string;
  headers: Array<[string, string]>;
  contentType: string | null;
  size: number;
  remoteAddr: string | null;
  eventId: string | null;
  /** The body is not UTF-8 text (`body` on the event is then a hex dump). */
  binary: boolean;
}

/** What the history file keeps (body_base64 null when it was too big to keep). */
export interface HistoryIngest {
  channel_id: string;
  method: string;
  path: string;
  query: string;
  headers: Array<[string, string]>;
  body_base64: string | null;
  received_at: string;
  remote_addr: string | null;
  event_id: string | null;
}

export function fromMsg(m: IngestMsg): IngestItem {
  return { channelId: m.channel_id, method: m.method, path: m.path, query: m.query, headers: m.headers, body: Buffer.from(m.body, 'base64'), receivedAt: m.received_at, remoteAddr: m.remote_addr, eventType: m.type, eventId: m.event_id };
}

export function fromApi(r: IngestRequest): IngestItem {
  return { channelId: r.channel_id, method: r.method, path: r.path, query: r.query, headers: r.headers, body: Buffer.from(r.body_base64, 'base64'), receivedAt: r.received, remoteAddr: r.remote_addr, eventType: r.event_type, eventId: r.event_id };
}

export function typeOf(i: Pick<IngestItem, 'eventType'>): string {
  return i.eventType ?? INGEST_TYPE;
}

export function viewOf(i: IngestItem): IngestView {
  const contentType = i.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? null;
  return { channelId: i.channelId, method: i.method, path: i.path, query: i.query, headers: i.headers, contentType, size: i.body.length, remoteAddr: i.remoteAddr, eventId: i.eventId, binary: !isText(i.body) };
}

/** The body as renderers show it: the text, or a hex dump of the start. */
export function displayBody(i: IngestItem): string {
  return i.body.length ? bodyText(i.body) : '';
}

export function toHistory(i: IngestItem): HistoryIngest {
  return {
    channel_id: i.channelId,
    method: i.method,
    path: i.path,
    query: i.query,
    headers: i.headers,
    body_base64: i.body.length <= HISTORY_BODY_BYTES ? i.body.toString('base64') : null,
    received_at: i.receivedAt,
    remote_addr: i.remoteAddr,
    event_id: i.eventId,
  };
}

/** null when the history did not keep the body (fetch it from the relay instead). */
export function fromHistory(h: HistoryIngest, type: string): IngestItem | null {
  if (h.body_base64 === null) return null;
  return { channelId: h.channel_id, method: h.method, path: h.path, query: h.query, headers: h.headers, body: Buffer.from(h.body_base64, 'base64'), receivedAt: h.received_at, remoteAddr: h.remote_addr, eventType: type === INGEST_TYPE ? null : type, eventId: h.event_id };
}
