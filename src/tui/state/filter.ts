// The `/` filter: space-separated terms, all must match. `status:5xx`, `status:404`, `status:failed`,
// `status:pending`, `type:vehicle.*` (glob) or `type:task` (substring), `id:evt_…`, and a bare word
// that matches the type or the id. Pure, so the reducer and the tests share it.
import type { EventRow } from './types.js';

export type Term =
  | { kind: 'status'; value: string }
  | { kind: 'type'; value: string }
  | { kind: 'id'; value: string }
  | { kind: 'word'; value: string };

export interface ParsedFilter {
  terms: Term[];
  error: string | null;
}

const STATUS_WORDS = ['ok', 'success', 'failed', 'pending', 'held', 'error', 'replayed'];

export function parseFilter(text: string): ParsedFilter {
  const terms: Term[] = [];
  for (const raw of text.trim().split(/\s+/).filter(Boolean)) {
    const m = /^(status|type|id):(.*)$/i.exec(raw);
    if (!m) {
      terms.push({ kind: 'word', value: raw.toLowerCase() });
      continue;
    }
    const kind = m[1].toLowerCase() as Term['kind'];
    const value = m[2].toLowerCase();
    if (!value) return { terms: [], error: `'${raw}' needs a value, e.g. ${kind}:${example(kind)}` };
    if (kind === 'status' && !/^[1-5](xx|\d\d)$/.test(value) && !STATUS_WORDS.includes(value)) {
      return { terms: [], error: `unknown status '${value}': use 2xx, 5xx, 404, failed, pending, held or error` };
    }
    terms.push({ kind, value });
  }
  return { terms, error: null };
}

function example(kind: string): string {
  return kind === 'status' ? '5xx' : kind === 'type' ? 'vehicle.*' : 'evt_1a2b';
}

/** The status shown for a row: the last answer's code, else the history hit's code. */
export function lastStatus(row: EventRow): number | null {
  const last = row.attempts[row.attempts.length - 1];
  return last?.response ? last.response.status : (row.historyStatus ?? null);
}

function lastError(row: EventRow): string | null {
  return row.attempts[row.attempts.length - 1]?.response?.error ?? null;
}

function matchStatus(value: string, row: EventRow): boolean {
  const code = lastStatus(row);
  switch (value) {
    case 'ok':
    case 'success':
      return row.outcome === 'ok' || (row.fromHistory && code !== null && code >= 200 && code < 300);
    case 'failed':
      return row.outcome === 'failed' || (row.fromHistory && !row.attempts.length && (code === null || code < 200 || code >= 300));
    case 'pending':
      return row.outcome === 'pending' || row.outcome === 'held';
    case 'held':
      return row.outcome === 'held';
    case 'error':
      return lastError(row) !== null;
    case 'replayed':
      return row.attempts.some((a) => a.replay);
  }
  if (code === null) return false;
  const s = String(code);
  return value.endsWith('xx') ? s[0] === value[0] : s === value;
}

function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${esc}$`);
}

export function matchTerm(term: Term, row: EventRow): boolean {
  const type = row.type.toLowerCase();
  const id = row.id.toLowerCase();
  switch (term.kind) {
    case 'status':
      return matchStatus(term.value, row);
    case 'type':
      return term.value.includes('*') ? globToRegExp(term.value).test(type) : type.includes(term.value);
    case 'id':
      return id.includes(term.value);
    case 'word':
      return type.includes(term.value) || id.includes(term.value);
  }
}

export function matches(filter: ParsedFilter, row: EventRow): boolean {
  return filter.terms.every((t) => matchTerm(t, row));
}

/** What to ask the history search for: the most selective non-status term (status is applied locally). */
export function historyQuery(filter: ParsedFilter): string {
  const t = filter.terms.find((x) => x.kind === 'id') ?? filter.terms.find((x) => x.kind !== 'status');
  return t ? t.value.replace(/\*+$/, '').replace(/\.$/, '') : '';
}
