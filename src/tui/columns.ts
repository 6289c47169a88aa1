// Column widths for the event list, from the terminal width. Pure. The target column is dropped on
// narrow terminals (the header already names the target) so types stay readable at 80 columns.
import type { EventRow } from './state/types.js';
import { cell, clock, rowLatency, shortTarget, statusLabel, type Tone } from './format.js';

export interface Columns {
  time: number;
  type: number;
  id: number;
  target: number; // 0 = hidden
  status: number;
  latency: number;
}

const MARK = 2; // "> " on the selected row

export function columnsFor(cols: number): Columns {
  // 23 = the emulator's ids (evt_ + 19); longer ids (the API allows up to 64) are cut with `~`.
  const fixed = { time: 8, status: 8, latency: 8 };
  let id = 23;
  // Each column is followed by one space.
  let avail = cols - MARK - (fixed.time + 1) - (id + 1) - (fixed.status + 1) - fixed.latency - 1;
  // Below ~73 columns the type would be unreadable: the id gives up its tail first (down to 12).
  if (avail < 20) {
    const take = Math.min(id - 12, 20 - avail);
    id -= take;
    avail += take;
  }
  const type = Math.max(8, Math.min(26, avail));
  const target = avail - type - 1 >= 12 ? avail - type - 1 : 0;
  return { ...fixed, id, type, target };
}

export interface RowCells {
  mark: string;
  text: string; // everything before the status cell
  status: string;
  tone: Tone;
  tail: string; // latency
}

function latestUrl(row: EventRow, targets: Array<{ pattern: string; url: string }>, match: (p: string, t: string) => boolean): string {
  const last = row.attempts[row.attempts.length - 1];
  if (last) return last.url;
  const t = targets.find((x) => x.pattern !== '*' && match(x.pattern, row.type)) ?? targets.find((x) => x.pattern === '*');
  return t?.url ?? '';
}

export function rowCells(row: EventRow, c: Columns, selected: boolean, targets: Array<{ pattern: string; url: string }>, match: (p: string, t: string) => boolean): RowCells {
  const st = statusLabel(row);
  const time = row.fromHistory && !row.attempts.length ? (row.created.slice(11, 19) || '--:--:--') : clock(row.receivedAt);
  let text = `${cell(time, c.time)} ${cell(row.type, c.type)} ${cell(row.id, c.id)} `;
  if (c.target) text += `${cell(shortTarget(latestUrl(row, targets, match), targets), c.target)} `;
  return { mark: selected ? '> ' : '  ', text, status: cell(st.text, c.status), tone: st.tone, tail: ` ${cell(rowLatency(row), c.latency, 'right')}` };
}

export function headerCells(c: Columns): string {
  let s = `  ${cell('TIME', c.time)} ${cell('TYPE', c.type)} ${cell('EVENT ID', c.id)} `;
  if (c.target) s += `${cell('TARGET', c.target)} `;
  return s + `${cell('STATUS', c.status)} ${cell('LATENCY', c.latency, 'right')}`;
}
