// Event Logs list maintenance, pure: live `delivery.updated` messages are merged into the loaded page
// instead of reloading it, and dropped when they no longer match the filters.
import type { Delivery } from '../../../contract/v1.js';
import type { LogFilters } from './routes.js';

export function matchesFilters(d: Delivery, f: LogFilters): boolean {
  if (f.type && d.event_type !== f.type) return false;
  if (f.status && d.status !== f.status) return false;
  if (f.endpoint && d.endpoint_id !== f.endpoint) return false;
  return true;
}

/** Newest first, like the API; ties broken by id so the order is stable. */
function newestFirst(a: Delivery, b: Delivery): number {
  if (a.created !== b.created) return a.created < b.created ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * True when `incoming` is older than what is shown. An HTTP answer (e.g. POST retry -> pending) can
 * arrive after the stream already reported the attempt's result; the older view must not win.
 */
export function isStale(existing: Delivery | undefined, incoming: Delivery): boolean {
  if (!existing) return false;
  const a = Date.parse(existing.updated);
  const b = Date.parse(incoming.updated);
  if (a !== b) return a > b;
  return existing.attempt_count > incoming.attempt_count;
}

/** Within the view's attempt-time range (a chart bar), if it has one. */
function inTimeRange(iso: string, f: LogFilters): boolean {
  return (!f.from || iso >= new Date(f.from).toISOString()) && (!f.to || iso < new Date(f.to).toISOString());
}

/**
 * Insert or replace `d`, or remove it when it no longer matches the filters. With an attempt-time
 * range, a live update adds a delivery only when its latest change falls in the range, and never
 * removes one for its time (it had an attempt in the range); rows the API returned (`fromApi`) are in.
 */
export function applyDeliveryUpdate(list: readonly Delivery[], d: Delivery, f: LogFilters, fromApi = false): Delivery[] {
  const existing = list.find((x) => x.id === d.id);
  if (isStale(existing, d)) return [...list];
  const rest = list.filter((x) => x.id !== d.id);
  if (!matchesFilters(d, f)) return rest;
  if (!existing && !fromApi && !inTimeRange(d.updated, f)) return rest;
  // Keep attempts we already know when the update carries none.
  const merged = existing?.attempts && !d.attempts ? { ...d, attempts: existing.attempts } : d;
  return [...rest, merged].sort(newestFirst);
}

/** Merge a freshly fetched first page into what is loaded (keeps older pages loaded with "Load more"). */
export function mergePage(list: readonly Delivery[], page: readonly Delivery[], f: LogFilters): Delivery[] {
  return page.reduce<Delivery[]>((acc, d) => applyDeliveryUpdate(acc, d, f, true), [...list]);
}

/** "in 4 s", "now", or null when no retry is scheduled. */
export function describeNextRetry(d: Pick<Delivery, 'status' | 'next_attempt_at'>, now: number): string | null {
  if (d.status !== 'pending' || !d.next_attempt_at) return null;
  const ms = Date.parse(d.next_attempt_at) - now;
  if (!Number.isFinite(ms)) return null;
  if (ms <= 1000) return 'now';
  const s = Math.round(ms / 1000);
  if (s < 120) return `in ${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `in ${m} min` : `in ${Math.round(m / 60)} h`;
}

/** The short outcome shown in tables: "200", "500", or the transport error. */
export function outcome(d: Pick<Delivery, 'last_status_code' | 'last_error'>): string {
  if (d.last_status_code !== null) return String(d.last_status_code);
  return d.last_error ?? '—';
}
