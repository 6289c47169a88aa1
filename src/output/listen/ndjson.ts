// --format json: one versioned JSON object per line on stdout ({"v":1,"kind":...}), nothing else on
// stdout; human diagnostics go to stderr. Kinds: ready, event, response, error, reconnecting,
// connection, receiver, paused. Secrets are masked. Held retries (will_retry) are not emitted.
import type { ListenEvent } from '../../relay/listen-events.js';
import { mask } from '../../util/mask.js';
import { LineWriter, receiverDownHint, type ListenRenderer, type Streams } from './renderer.js';

export const NDJSON_VERSION = 1;

export function toNdjson(e: ListenEvent, replays: Set<string>): Record<string, unknown> | null {
  const at = 'at' in e ? new Date(e.at).toISOString() : new Date().toISOString();
  switch (e.kind) {
    case 'ready':
      return { kind: 'ready', session_id: e.sessionId, api_url: e.apiUrl, profile: e.profile, secret: mask(e.secret), targets: e.targets, events: e.events, ...(e.ingestUrl ? { ingest_url: e.ingestUrl } : {}) };
    case 'event':
      if (e.ingest) return ingestLine(e);
      return { kind: 'event', id: e.id, seq: e.seq, type: e.type, created: e.created, received_at: new Date(e.receivedAt).toISOString(), body: e.body };
    case 'attempt':
      if (e.replay) replays.add(e.attemptId);
      return null;
    case 'response':
      if (e.willRetry) return null;
      return { kind: 'response', event_id: e.eventId, ...(e.method ? { method: e.method } : {}), url: e.url, status: e.status, duration_ms: e.durationMs, error: e.error, headers: e.headers, body: e.body, replay: replays.delete(e.attemptId), at };
    case 'connection': {
      const c = e.connection;
      if (c.state === 'reconnecting') return { kind: 'reconnecting', attempt: c.attempt, in_ms: c.inMs, reason: c.reason, at };
      // snake_case like every other NDJSON field (ConnectionState is camelCase in the domain).
      return {
        kind: 'connection',
        state: c.state,
        ...('sessionId' in c ? { session_id: c.sessionId } : {}),
        ...('attempt' in c ? { attempt: c.attempt } : {}),
        ...('reason' in c ? { reason: c.reason } : {}),
        at,
      };
    }
    case 'receiver':
      return { kind: 'receiver', url: e.url, up: e.up, error: e.error, held: e.held, at };
    case 'paused':
      return { kind: 'paused', paused: e.paused, at };
    case 'error':
      return { kind: 'error', message: e.message, fatal: e.fatal, at };
  }
}

/**
 * A raw request from an ingest URL: `id` is its req_ id (what acks and replay use), `type`/`event_id` name
 * the JSON event in its body when there is one. The body is exact: text as is, anything else base64.
 */
function ingestLine(e: Extract<ListenEvent, { kind: 'event' }>): Record<string, unknown> {
  const i = e.ingest!;
  const body = e.raw && !i.binary ? { body: e.raw.toString('utf8') } : e.raw ? { body_base64: e.raw.toString('base64') } : { body: e.body };
  return {
    kind: 'event',
    source: 'ingest',
    id: e.id,
    seq: e.seq,
    type: e.type,
    event_id: i.eventId,
    channel_id: i.channelId,
    method: i.method,
    path: i.path,
    query: i.query,
    content_type: i.contentType,
    size: i.size,
    headers: i.headers,
    remote_addr: i.remoteAddr,
    created: e.created,
    received_at: new Date(e.receivedAt).toISOString(),
    ...body,
  };
}

export function createNdjsonRenderer(streams: Streams): ListenRenderer {
  const w = new LineWriter(streams);
  const replays = new Set<string>();
  return {
    flush: () => w.flush(),
    render(e: ListenEvent) {
      const obj = toNdjson(e, replays);
      if (obj) w.stdout(JSON.stringify({ v: NDJSON_VERSION, ...obj }));
      if (e.kind === 'receiver' && !e.up) w.stderr(receiverDownHint(e.url, e.error));
      if (e.kind === 'connection' && e.connection.state === 'reconnecting') w.stderr(`Connection lost (${e.connection.reason}): reconnecting`);
    },
  };
}
