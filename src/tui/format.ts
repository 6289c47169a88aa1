// Text helpers for the TUI: fixed-width cells, times, latencies, status labels. Pure.
import type { EventRow } from './state/types.js';
import { lastStatus } from './state/filter.js';

export type Tone = 'green' | 'yellow' | 'red' | 'gray' | 'cyan' | undefined;

/** Local wall-clock time, HH:MM:SS. */
export function clock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function latency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/**
 * Exactly `width` columns: cut with `~`, else pad. List cells stay printable ASCII on purpose: Ink
 * measures every line of every frame, and string-width only has a fast path for ASCII (anything else
 * goes through Intl.Segmenter, which cost more CPU than the rest of a frame under a flood).
 */
export function cell(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const t = s.length > width ? (width === 1 ? '~' : s.slice(0, width - 1) + '~') : s;
  return align === 'left' ? t.padEnd(width) : t.padStart(width);
}

export function shortUrl(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

/**
 * For the narrow TARGET column. One origin for every target (the usual --forward-to): the path says it
 * all (the header names the origin). Otherwise a loopback host is implied and the port and path stay.
 */
export function shortTarget(url: string, targets: Array<{ url: string }> = []): string {
  const origin = (u: string) => /^[a-z]+:\/\/[^/]*/i.exec(u)?.[0] ?? u;
  if (targets.length && targets.every((t) => origin(t.url) === origin(url))) return url.slice(origin(url).length) || '/';
  return shortUrl(url).replace(/^(localhost|127\.0\.0\.1|\[::1\])(?=[:/]|$)/, '');
}

export function toneForStatus(status: number | null): Tone {
  if (status === null) return 'red';
  if (status >= 200 && status < 300) return 'green';
  if (status >= 300 && status < 500) return 'yellow';
  return 'red';
}

/** What the STATUS column says: the code, `ERR` (no answer), `...` pending, `held` (receiver down); `x2` = attempts. */
export function statusLabel(row: EventRow): { text: string; tone: Tone } {
  const n = row.attemptCount;
  const suffix = n > 1 ? ` x${n}` : '';
  if (row.fromHistory && !n) {
    const s = row.historyStatus ?? null;
    return s === null ? { text: 'hist', tone: 'gray' } : { text: `${s}`, tone: toneForStatus(s) };
  }
  if (row.outcome === 'pending') return { text: `...${suffix}`, tone: 'cyan' };
  if (row.outcome === 'held') return { text: `held${suffix}`, tone: 'yellow' };
  const s = lastStatus(row);
  return { text: `${s === null ? 'ERR' : s}${suffix}`, tone: toneForStatus(s) };
}

/** Latency of the latest answered attempt. */
export function rowLatency(row: EventRow): string {
  for (let i = row.attempts.length - 1; i >= 0; i--) {
    const r = row.attempts[i].response;
    if (r) return latency(r.durationMs);
  }
  return '';
}

/** Pretty JSON when the body parses, else the text as received. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** Hard-wrap to `width` columns (long header values, minified bodies). */
export function wrap(line: string, width: number): string[] {
  if (width <= 0 || line.length <= width) return [line];
  const out: string[] = [];
  for (let i = 0; i < line.length; i += width) out.push(line.slice(i, i + width));
  return out;
}
