// Human views of deliveries (the docs' "Event Logs") and their attempts.
import type { Attempt, Delivery } from '../contract/v1.js';
import { colors, paintState, paintStatus } from './color.js';
import { renderFields, renderTable } from './table.js';
import { relativeTime } from './time.js';
import { now as clock } from '../util/io.js';

export function deliveriesTable(list: Delivery[], now = clock()): string {
  return renderTable(
    [
      { header: 'ID' },
      { header: 'STATUS' },
      { header: 'CODE', align: 'right' },
      { header: 'TRIES', align: 'right' },
      { header: 'EVENT' },
      { header: 'TYPE' },
      { header: 'TARGET', max: 48 },
      { header: 'NEXT RETRY' },
      { header: 'UPDATED' },
    ],
    list.map((d) => [
      d.id,
      paintState(d.status),
      d.last_status_code == null && d.status === 'pending' && d.attempt_count === 0 ? '-' : paintStatus(d.last_status_code),
      String(d.attempt_count),
      d.event_id,
      d.event_type,
      d.endpoint_id ? `${d.endpoint_id} ${d.url}` : `${d.session_id ?? '-'} ${d.url}`,
      d.next_attempt_at ? relativeTime(d.next_attempt_at, now) : '-',
      relativeTime(d.updated, now),
    ]),
    { empty: 'No deliveries match.' },
  );
}

export function deliveryDetail(d: Delivery, now = clock()): string {
  const c = colors();
  let out = renderFields([
    ['id', d.id],
    ['status', paintState(d.status)],
    ['event', `${d.event_id} (${d.event_type})`],
    ['target', d.endpoint_id ? `${d.endpoint_id} ${d.url}` : `session ${d.session_id ?? '-'} ${d.url}`],
    ['attempts', String(d.attempt_count)],
    ['last result', outcome(d.last_status_code, d.last_error)],
    ['next retry', d.next_attempt_at ? `${d.next_attempt_at} (${relativeTime(d.next_attempt_at, now)})` : '-'],
    ['created', `${d.created} (${relativeTime(d.created, now)})`],
  ]);
  for (const a of d.attempts ?? []) out += '\n' + c.bold(`Attempt ${a.number}${a.manual ? ' (manual)' : ''}`) + '\n' + attemptDetail(a, now);
  if (d.status === 'failed') out += '\n' + c.dim(`Retry it with: propitbox deliveries retry ${d.id}`) + '\n';
  return out;
}

function attemptDetail(a: Attempt, now: number): string {
  const headers = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `  ${k}: ${v}`).join('\n') || '  (none)';
  return (
    renderFields([
      ['started', `${a.started_at} (${relativeTime(a.started_at, now)})`],
      ['result', `${outcome(a.status_code, a.error)} in ${a.duration_ms} ms`],
    ]) +
    `request headers:\n${headers(a.request_headers)}\n` +
    `response headers:\n${headers(a.response_headers)}\n` +
    `response body:\n${a.response_body ? indent(a.response_body) : '  (empty)'}\n`
  );
}

export function outcome(code: number | null, error: string | null): string {
  if (code != null) return paintStatus(code) + (error ? ` ${error}` : '');
  return error ? paintStatus(null, `error: ${error}`) : '-';
}

function indent(s: string): string {
  return s.split('\n').map((l) => '  ' + l).join('\n');
}

/** One line per final delivery outcome, for `trigger --wait`. */
export function outcomeLine(d: Delivery): string {
  const target = d.endpoint_id ?? d.session_id ?? '-';
  return `${paintState(d.status)}${' '.repeat(Math.max(1, 10 - d.status.length))}${outcome(d.last_status_code, d.last_error)} ${d.url} (${target}, ${d.attempt_count} attempt${d.attempt_count === 1 ? '' : 's'}) ${d.id}`;
}
