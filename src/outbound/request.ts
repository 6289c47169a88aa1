// One outbound HTTP request and what came back: the shapes shared by every sender (the emulator's
// delivery engine, the listen forwarder, `trigger --forward-to` / `events replay`, and forwards of
// ingested requests). Signing is a separate step that produces headers; an ingest forward sends the
// sender's own headers unsigned. Pure: no sockets here.
import type { OutboundError } from './classify.js';

/** Ordered raw header pairs, flat like node's `rawHeaders`: [name, value, name, value, …]; duplicates kept. */
export type HeaderPairs = readonly string[];

export interface OutboundRequest {
  method: string;
  url: string;
  headers: HeaderPairs;
  /** The exact bytes to send (a string goes out as UTF-8). Content-Length is set from it. */
  body: string | Uint8Array;
  /** Total budget in ms for connect, request, response head and body together (one timer). */
  deadlineMs: number;
}

export interface OutboundResult {
  /** Status of a complete answer; null when no complete answer came back in time (see error). */
  status: number | null;
  /** Epoch ms when the request started. */
  startedAt: number;
  /** Wall time until the answer ended or the failure, 0.1 ms resolution. */
  durationMs: number;
  /** Response headers (lower-case names, repeats joined with ", "): also those of an answer that broke off. */
  headers: Record<string, string>;
  /** The first bytes of the answer as UTF-8 (at most the excerpt size); reading stops there. */
  body: string;
  error: OutboundError | null;
}

export const RESPONSE_EXCERPT_BYTES = 20 * 1024;

/** A header record (what signing produces) as ordered pairs. */
export function headerPairs(h: Record<string, string>): string[] {
  const out: string[] = [];
  for (const k in h) out.push(k, h[k]);
  return out;
}

/** Response headers as one record: names lower-cased by the parser, repeated values joined. */
export function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    const v = h[k];
    if (v !== undefined) out[k] = typeof v === 'string' ? v : v.join(', ');
  }
  return out;
}

// Message framing is the transport's job (it sends exactly `body`): a caller's Content-Length or
// Transfer-Encoding (e.g. copied from an ingested request) is dropped, never sent twice or wrong.
// Checked by length first: this runs on every header of every request.
function isFraming(name: string): boolean {
  if (name.length !== 14 && name.length !== 17) return false;
  const n = name.toLowerCase();
  return n === 'content-length' || n === 'transfer-encoding';
}

/** The pairs without framing headers; the same array when there are none (the usual case). */
export function withoutFraming(pairs: HeaderPairs): HeaderPairs {
  let found = false;
  for (let i = 0; i < pairs.length; i += 2) if (isFraming(pairs[i])) found = true;
  if (!found) return pairs;
  const out: string[] = [];
  for (let i = 0; i < pairs.length; i += 2) if (!isFraming(pairs[i])) out.push(pairs[i], pairs[i + 1]);
  return out;
}

export function hasHeader(pairs: HeaderPairs, name: string): boolean {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i].toLowerCase() === name) return true;
  return false;
}

export interface Target {
  origin: string;
  /** Path and query, as sent on the request line. */
  path: string;
  host: string;
  https: boolean;
}

// Parsed once per distinct URL: senders POST to the same few URLs thousands of times.
const targets = new Map<string, Target | Error>();

/** The URL split for a request, or the parse error (cached both ways). */
export function parseTarget(url: string): Target | Error {
  let t = targets.get(url);
  if (!t) {
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported scheme ${u.protocol}`);
      t = { origin: u.origin, path: u.pathname + u.search, host: u.host, https: u.protocol === 'https:' };
    } catch (err) {
      const why = (err as { code?: string }).code === 'ERR_INVALID_URL' ? 'not a URL' : (err as Error).message;
      t = Object.assign(new Error(`invalid URL '${url}': ${why}`), { code: 'ERR_INVALID_URL' });
    }
    if (targets.size > 1000) targets.clear();
    targets.set(url, t);
  }
  return t;
}
