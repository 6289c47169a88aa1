// Human view of GET /v1/stats for `propitbox stats`: a table of time slices, a total row, and unicode
// sparklines of attempts and failures over the window. Pure (the clock is not needed: buckets carry times).
import type { Stats, StatsCounts } from '../contract/stats.js';
import { sparkline } from '../util/sparkline.js';
import { colors } from './color.js';
import { renderTable } from './table.js';

function ms(v: number | null): string {
  if (v === null) return '-';
  return v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(v < 10_000 ? 1 : 0)} s`;
}

/** Local HH:MM, with the date when the window spans days. */
function when(iso: string, withDate: boolean): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}${d.getSeconds() ? `:${p(d.getSeconds())}` : ''}`;
  return withDate ? `${p(d.getMonth() + 1)}-${p(d.getDate())} ${hm}` : hm;
}

function cells(c: StatsCounts): string[] {
  const paint = colors();
  return [
    String(c.attempts),
    c.delivered ? paint.green(String(c.delivered)) : '0',
    c.retried ? paint.yellow(String(c.retried)) : '0',
    c.failed ? paint.red(String(c.failed)) : '0',
    ms(c.p50_ms),
    ms(c.p95_ms),
    ms(c.max_ms),
  ];
}

export function scopeLabel(s: Pick<Stats, 'filters'>): string {
  const f = s.filters;
  const parts = [f.endpoint ? `endpoint ${f.endpoint}` : f.session ? `listen session ${f.session}` : 'all endpoints and sessions'];
  if (f.event_type) parts.push(`event type ${f.event_type}`);
  return parts.join(', ');
}

export function statsTable(s: Stats): string {
  const withDate = s.window_ms > 86_400_000 || new Date(s.from).getDate() !== new Date(s.to).getDate();
  const right = { align: 'right' as const };
  const columns = [{ header: 'FROM' }, { header: 'ATTEMPTS', ...right }, { header: 'DELIVERED', ...right }, { header: 'RETRIED', ...right }, { header: 'FAILED', ...right }, { header: 'P50', ...right }, { header: 'P95', ...right }, { header: 'MAX', ...right }];
  const rows = s.buckets.map((b) => [when(b.start, withDate), ...cells(b)]);
  rows.push([colors().bold('total'), ...cells(s.total)]);
  return renderTable(columns, rows);
}

/** Two sparklines on one scale: all attempts, and the failed + retried ones under them. */
export function statsSparklines(s: Stats): string {
  const attempts = s.buckets.map((b) => b.attempts);
  const bad = s.buckets.map((b) => b.failed + b.retried);
  const max = Math.max(0, ...attempts);
  const paint = colors();
  const span = `${s.buckets.length} × ${s.bucket}, peak ${max}`;
  return `attempts  ${sparkline(attempts, max)}  ${paint.dim(span)}\nnot 2xx   ${paint.red(sparkline(bad, max))}\n`;
}

export function statsView(table: Stats, spark: Stats): string {
  const head = colors().bold(`Delivery attempts in the last ${table.window} (${scopeLabel(table)}), by ${table.bucket}`);
  return `${head}\n${statsTable(table)}\n${statsSparklines(spark)}`;
}
