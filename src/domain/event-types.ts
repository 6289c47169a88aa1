// The event-type registry: the eight types of the seed's table, plus subscription pattern rules.
// Pure: used by the emulator (validation, matching), the CLI (trigger, did-you-mean) and the TUI filter.
import { distance } from 'fastest-levenshtein';

export const EVENT_TYPES = [
  { type: 'vehicle.created', description: 'New vehicle added', payload: 'Vehicle object' },
  { type: 'vehicle.updated', description: 'Vehicle details changed', payload: 'Updated fields' },
  { type: 'vehicle.deleted', description: 'Vehicle removed', payload: 'Vehicle ID' },
  { type: 'maintenance.task.created', description: 'New maintenance scheduled', payload: 'Task object' },
  { type: 'maintenance.task.completed', description: 'Maintenance completed', payload: 'Task & results' },
  { type: 'parts.inventory.low', description: 'Low stock alert', payload: 'Part & quantity' },
  { type: 'parts.order.created', description: 'Parts order placed', payload: 'Order details' },
  { type: 'session.ended', description: 'Driving session logged', payload: 'Session data' },
] as const;

export type EventType = (typeof EVENT_TYPES)[number]['type'];
export const EVENT_TYPE_NAMES: readonly string[] = EVENT_TYPES.map((t) => t.type);

/** Every category wildcard that matches at least one known type: `vehicle.*`, `maintenance.*`, `maintenance.task.*`, ... */
export const WILDCARDS: readonly string[] = (() => {
  const out = new Set<string>();
  for (const name of EVENT_TYPE_NAMES) {
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join('.') + '.*');
  }
  return [...out].sort();
})();

export function isEventType(s: string): s is EventType {
  return EVENT_TYPE_NAMES.includes(s);
}

/** A valid subscription pattern is an exact type, a known category wildcard, or `*`. */
export function isValidPattern(p: string): boolean {
  return p === '*' || isEventType(p) || WILDCARDS.includes(p);
}

/** `*` matches all; `a.b.*` matches every type that starts with `a.b.`; otherwise exact. */
export function matchesPattern(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export function matchesAny(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => matchesPattern(p, type));
}

/** Closest known names to a mistyped one, best first (for "did you mean"). */
export function suggest(input: string, candidates: readonly string[] = EVENT_TYPE_NAMES, max = 3): string[] {
  const scored = candidates
    .map((c) => ({ c, d: distance(input.toLowerCase(), c) }))
    .filter(({ c, d }) => d <= Math.max(3, Math.floor(c.length / 3)) || c.includes(input) || input.includes(c))
    .sort((a, b) => a.d - b.d);
  return scored.slice(0, max).map((s) => s.c);
}

/** One-line message for an unknown pattern/type, naming the closest and the valid choices. */
export function unknownTypeMessage(input: string, allowWildcards = true): string {
  const pool = allowWildcards ? [...EVENT_TYPE_NAMES, ...WILDCARDS, '*'] : EVENT_TYPE_NAMES;
  const close = suggest(input, pool);
  const hint = close.length ? ` Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : '';
  const valid = allowWildcards
    ? `Valid: ${EVENT_TYPE_NAMES.join(', ')}; wildcards: ${WILDCARDS.join(', ')}, *`
    : `Valid: ${EVENT_TYPE_NAMES.join(', ')}`;
  return `Unknown event type '${input}'.${hint} ${valid}.`;
}
