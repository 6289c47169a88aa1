// Where each event goes: `--route PATTERN=URL` (first match wins), then `--forward-to` as the fallback.
// Pure: parsing and matching only.
import { isValidPattern, matchesPattern, unknownTypeMessage } from '../domain/event-types.js';
import type { ForwardTarget } from './listen-events.js';

export class RouteError extends Error {}

/** An http(s) URL or a RouteError naming the flag. */
export function checkTargetUrl(url: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RouteError(`${flag} '${url}' is not a URL: use e.g. http://localhost:3000/webhooks/pro-pitbox`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RouteError(`${flag} '${url}' must be an http:// or https:// URL`);
  return url;
}

export function parseRoute(spec: string): ForwardTarget {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new RouteError(`--route '${spec}' must look like PATTERN=URL, e.g. 'maintenance.task.*=http://localhost:3000/tasks'`);
  const pattern = spec.slice(0, eq).trim();
  const url = spec.slice(eq + 1).trim();
  if (!isValidPattern(pattern)) throw new RouteError(`--route: ${unknownTypeMessage(pattern)}`);
  return { pattern, url: checkTargetUrl(url, '--route') };
}

/** Routes in the order given, then the fallback as pattern '*'. */
export function buildTargets(routes: string[], forwardTo: string | undefined): ForwardTarget[] {
  const targets = routes.map(parseRoute);
  if (forwardTo) targets.push({ pattern: '*', url: checkTargetUrl(forwardTo, '--forward-to') });
  return targets;
}

export function pickTarget(targets: readonly ForwardTarget[], type: string): string | null {
  for (const t of targets) if (matchesPattern(t.pattern, type)) return t.url;
  return null;
}

/** Validate an --events list; throws with a did-you-mean for the first unknown pattern. */
export function parseEventFilter(list: string | undefined): string[] {
  if (!list) return [];
  const out = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of out) if (!isValidPattern(p)) throw new RouteError(`--events: ${unknownTypeMessage(p)}`);
  return out;
}

/** Without --forward-to only the routed types are worth receiving; with it, everything in the filter. */
export function effectiveFilter(events: string[], targets: readonly ForwardTarget[]): string[] {
  if (events.length) return events;
  if (!targets.length || targets.some((t) => t.pattern === '*')) return ['*'];
  return [...new Set(targets.map((t) => t.pattern))];
}

/** `--headers 'K: V'` (or K=V) into a map; repeatable. */
export function parseHeaders(specs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of specs) {
    const m = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(s);
    if (!m) throw new RouteError(`--headers '${s}' must look like 'Name: value'`);
    out[m[1].toLowerCase()] = m[2];
  }
  return out;
}
