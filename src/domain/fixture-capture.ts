// `fixtures capture`: a real event (one RCManager sent through an ingest URL, or one from the event log)
// turned into a fixture template, so `trigger` and CI send what production sends. Ids become
// {{id:prefix}} (the same value everywhere gets the same placeholder, so references still line up),
// times become {{now:±offset}} relative to the event's `created`, dates {{date:±Nd}}. Pure.
export interface CapturedEvent {
  id: string;
  type: string;
  created: string;
  data: Record<string, unknown>;
}

const ID = /^([a-z][a-z0-9]{1,7})_([A-Za-z0-9]{6,})$/;
/** The id prefixes RCManager uses (see fixtures/); other prefixes count as ids when the rest has a digit, so enum values like tire_change stay. */
const KNOWN_PREFIXES = new Set(['evt', 'veh', 'mnt', 'prt', 'ord', 'ses', 'we', 'dlv']);
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;

function offsetSpec(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s === 0) return '';
  const sign = s < 0 ? '-' : '+';
  const a = Math.abs(s);
  const [n, unit] = a % 86_400 === 0 ? [a / 86_400, 'd'] : a % 3600 === 0 ? [a / 3600, 'h'] : a % 60 === 0 ? [a / 60, 'm'] : [a, 's'];
  return `:${sign}${n}${unit}`;
}

/** The template for `event`; throws when it does not look like an event. */
export function captureFixture(event: unknown): Record<string, unknown> {
  const e = event as Partial<CapturedEvent>;
  if (!e || typeof e !== 'object' || typeof e.type !== 'string' || typeof e.id !== 'string' || !e.data || typeof e.data !== 'object') {
    throw new Error('not an event: a fixture needs a JSON object with string id and type and an object data');
  }
  const created = typeof e.created === 'string' && !Number.isNaN(Date.parse(e.created)) ? Date.parse(e.created) : null;
  const ids = new Map<string, string>();
  const perPrefix = new Map<string, number>();
  ids.set(e.id, '{{id:evt}}');
  perPrefix.set('evt', 1);
  const idFor = (value: string, prefix: string) => {
    let p = ids.get(value);
    if (!p) {
      const n = (perPrefix.get(prefix) ?? 0) + 1;
      perPrefix.set(prefix, n);
      p = n === 1 ? `{{id:${prefix}}}` : `{{id:${prefix}:${n}}}`;
      ids.set(value, p);
    }
    return p;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const id = ID.exec(v);
      if (id && (KNOWN_PREFIXES.has(id[1]) || /\d/.test(id[2]))) return idFor(v, id[1]);
      if (created !== null && TIME.test(v)) return `{{now${offsetSpec(Date.parse(v) - created)}}}`;
      if (created !== null && DATE.test(v)) {
        const days = Math.round((Date.parse(v) - Date.parse(new Date(created).toISOString().slice(0, 10))) / DAY);
        return days === 0 ? '{{date}}' : `{{date:${days < 0 ? '-' : '+'}${Math.abs(days)}d}}`;
      }
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { id: '{{id:evt}}', type: e.type, created: '{{now}}', data: walk(e.data) };
}
