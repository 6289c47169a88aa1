// Aligned plain-text tables. Widths ignore ANSI colour codes so coloured cells still line up.
import { stripVTControlCharacters } from 'node:util';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Truncate cells longer than this (with …). */
  max?: number;
}

function width(s: string): number {
  return stripVTControlCharacters(s).length;
}

function truncate(s: string, max: number | undefined): string {
  if (!max || width(s) <= max) return s;
  // Coloured cells are short status words; truncation only matters for plain ones (URLs, descriptions).
  const plain = stripVTControlCharacters(s);
  return plain.slice(0, Math.max(1, max - 1)) + '…';
}

export function renderTable(columns: Column[], rows: string[][], opts: { empty?: string } = {}): string {
  if (!rows.length) return (opts.empty ?? '(none)') + '\n';
  const cells = rows.map((r) => columns.map((col, i) => truncate(r[i] ?? '', col.max)));
  const widths = columns.map((col, i) => Math.max(width(col.header), ...cells.map((r) => width(r[i]))));
  const line = (r: string[]) =>
    r
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i] - width(cell));
        if (i === r.length - 1 && columns[i].align !== 'right') return cell; // no trailing spaces
        return columns[i].align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ');
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** "key: value" lines with the keys aligned, for single objects. */
export function renderFields(fields: [string, string][]): string {
  const w = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${(k + ':').padEnd(w + 1)} ${v}`).join('\n') + '\n';
}
