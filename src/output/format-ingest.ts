// Human views of ingest channels and the requests they stored. The ingest URL is a write-only
// capability, shown in full (the user needs it to give to a sender); reading requests needs the key.
import type { IngestChannel, IngestRequest, IngestRequestSummary } from '../contract/ingest.js';
import { bodyText } from '../util/body-text.js';
import { formatSize } from '../util/size.js';
import { paintStatus } from './color.js';
import { renderFields, renderTable } from './table.js';
import { relativeTime } from './time.js';
import { now as clock } from '../util/io.js';

export function channelsTable(list: IngestChannel[], now = clock()): string {
  return renderTable(
    [{ header: 'ID' }, { header: 'URL', max: 80 }, { header: 'ANSWER' }, { header: 'DESCRIPTION', max: 40 }, { header: 'CREATED' }],
    list.map((c) => [c.id, c.url, answerText(c), c.description ?? '', relativeTime(c.created, now)]),
    { empty: 'No ingest channels yet: create one with `propitbox ingest create` (or run `propitbox webhooks listen --ingest`)' },
  );
}

function answerText(c: IngestChannel): string {
  return c.wait_for_response ? `local app's (wait ${c.wait_timeout_ms / 1000}s)` : String(c.response.status);
}

export function channelDetail(c: IngestChannel, now = clock()): string {
  return renderFields([
    ['id', c.id],
    ['url', c.url],
    ['description', c.description ?? '-'],
    ['answer', c.wait_for_response ? `the local app's answer, waiting up to ${c.wait_timeout_ms} ms (then 504)` : `${c.response.status} ${c.response.body === null ? '{"id":"req_…"}' : JSON.stringify(c.response.body)}`],
    ['rate limit', `${c.rate_limit_per_second}/s, bursts of ${c.rate_limit_burst}`],
    ['created', `${c.created} (${relativeTime(c.created, now)})`],
  ]);
}

export function outcomeText(r: IngestRequestSummary): string {
  if (r.status === 'pending') return 'pending';
  if (r.forwarded_status !== null) return paintStatus(r.forwarded_status);
  return paintStatus(null, `ERR ${r.forwarded_error ?? ''}`.trim());
}

export function requestsTable(list: IngestRequestSummary[], now = clock()): string {
  return renderTable(
    [{ header: 'ID' }, { header: 'RECEIVED' }, { header: 'METHOD' }, { header: 'PATH', max: 40 }, { header: 'CONTENT TYPE', max: 32 }, { header: 'SIZE', align: 'right' }, { header: 'EVENT', max: 28 }, { header: 'FORWARDED' }],
    list.map((r) => [r.id, relativeTime(r.received, now), r.method, (r.path || '/') + (r.query ? `?${r.query}` : ''), r.content_type ?? '-', formatSize(r.content_length), r.event_type ?? '-', outcomeText(r)]),
    { empty: 'No requests received yet: send one to the channel URL (`propitbox ingest get ID` shows it)' },
  );
}

/** One request: fields, every header pair as received, then the body as text (UTF-8) or a hex dump. */
export function requestDetail(r: IngestRequest, now = clock()): string {
  const body = Buffer.from(r.body_base64, 'base64');
  const fields = renderFields([
    ['id', r.id],
    ['channel', r.channel_id],
    ['received', `${r.received} (${relativeTime(r.received, now)}) from ${r.remote_addr ?? '?'}`],
    ['request', `${r.method} ${r.path || '/'}${r.query ? `?${r.query}` : ''}`],
    ['event', r.event_type ? `${r.event_type} ${r.event_id}` : '-'],
    ['body', `${formatSize(body.length)}, sha256 ${r.body_sha256}`],
    ['forwarded', outcomeText(r) + (r.forwarded_at ? ` at ${r.forwarded_at}` : '')],
  ]);
  const headers = r.headers.map(([k, v]) => `${k}: ${v}`).join('\n');
  return `${fields}\n${headers}\n\n${bodyText(body)}\n`;
}
