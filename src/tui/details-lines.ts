// The details pane as lines of text (pure): request headers and pretty body, then every attempt with
// the local response's status, headers and body. The pane renders a window of these lines.
import type { EventRow, AttemptView } from './state/types.js';
import type { IngestView } from '../relay/ingest-item.js';
import { clock, latency, prettyBody, shortUrl, toneForStatus, wrap, type Tone } from './format.js';

export interface Line {
  text: string;
  tone?: Tone;
  bold?: boolean;
}

function section(title: string): Line {
  return { text: title, bold: true };
}

function headerLines(headers: Record<string, string>, width: number): Line[] {
  const keys = Object.keys(headers);
  if (!keys.length) return [{ text: '  (none recorded)', tone: 'gray' }];
  return keys.flatMap((k) => wrap(`  ${k}: ${headers[k]}`, width).map((text) => ({ text })));
}

function bodyLines(body: string, width: number): Line[] {
  if (!body) return [{ text: '  (empty)', tone: 'gray' }];
  return prettyBody(body)
    .split('\n')
    .flatMap((l) => wrap('  ' + l, width))
    .map((text) => ({ text }));
}

function outcomeLine(a: AttemptView): Line {
  const r = a.response;
  const outcome = !r ? 'waiting for the receiver…' : r.error ? `${r.error}${r.willRetry ? ' (held, will retry)' : ''}` : `${r.status}`;
  return { text: `→ ${outcome}${r ? `  in ${latency(r.durationMs)}` : ''}`, tone: r ? (r.error ? 'red' : toneForStatus(r.status)) : 'cyan' };
}

/** One line per attempt, newest first, above the body: the outcome is what the user looks for first. */
const SUMMARY_MAX = 5;
function summaryLines(row: EventRow): Line[] {
  const lines: Line[] = [];
  for (let i = row.attempts.length - 1; i >= Math.max(0, row.attempts.length - SUMMARY_MAX); i--) {
    const a = row.attempts[i];
    const o = outcomeLine(a);
    lines.push({ text: `  #${a.number} ${clock(a.at)}${a.replay ? ' replay' : '       '}  ${o.text}`, tone: o.tone });
  }
  return lines;
}

function attemptLines(a: AttemptView, total: number, width: number): Line[] {
  const r = a.response;
  const o = outcomeLine(a);
  const lines: Line[] = [
    { text: `Attempt ${a.number}/${total}${a.replay ? ' (replay)' : ''}  ${clock(a.at)}  ${a.method ?? 'POST'} ${shortUrl(a.url)}`, bold: true },
    { text: `  ${o.text}`, tone: o.tone },
  ];
  lines.push(section(' Request headers'), ...headerLines(a.requestHeaders, width));
  if (a.body !== null) lines.push(section(' Request body (modified)'), ...bodyLines(a.body, width));
  if (r) {
    lines.push(section(' Response headers'), ...headerLines(r.headers, width));
    lines.push(section(' Response body'), ...bodyLines(r.body, width));
  }
  return lines;
}

/** An ingested request as the sender sent it: request line, then every header pair in order. */
function ingestLines(i: IngestView, width: number): Line[] {
  const lines: Line[] = [section(`Received from ${i.remoteAddr ?? '?'} (ingest ${i.channelId}): ${i.method} ${i.path || '/'}${i.query ? `?${i.query}` : ''}`)];
  for (const [k, v] of i.headers) lines.push(...wrap(`  ${k}: ${v}`, width).map((text) => ({ text })));
  return lines;
}

function rawLines(text: string, width: number): Line[] {
  return text.split('\n').flatMap((l) => wrap('  ' + l, width)).map((t) => ({ text: t }));
}

export function detailLines(row: EventRow, width: number): Line[] {
  const lines: Line[] = [];
  const meta = [row.created && `created ${row.created}`, row.seq !== null && `seq ${row.seq}`, !row.fromHistory && `received ${clock(row.receivedAt)}`].filter(Boolean).join('  ');
  if (meta) lines.push({ text: meta, tone: 'gray' });
  const kept = row.attempts.length < row.attemptCount ? `, newest ${row.attempts.length} kept` : '';
  if (row.attempts.length) lines.push(section(`Attempts (${row.attemptCount}${kept}; full request and response below the body)`), ...summaryLines(row));
  if (row.ingest) lines.push(...ingestLines(row.ingest, width));
  lines.push(section(row.bodyTruncated ? 'Body (truncated in memory; C copies the full one)' : row.ingest?.binary ? 'Body (binary: hex)' : 'Body'));
  lines.push(...(row.body || !row.fromHistory ? (row.ingest?.binary ? rawLines(row.body, width) : bodyLines(row.body, width)) : [{ text: '  loading from history…', tone: 'gray' as Tone }]));
  if (!row.attempts.length) lines.push({ text: row.fromHistory ? 'No attempts in this session (r replays it).' : 'Not forwarded yet.', tone: 'gray' });
  // Newest attempt first: it is the one the user just replayed or is debugging.
  for (let i = row.attempts.length - 1; i >= 0; i--) lines.push({ text: '' }, ...attemptLines(row.attempts[i], row.attemptCount, width));
  return lines;
}
