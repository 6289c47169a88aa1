// Hash routing (the server only has to serve `/`): pure parse/format so it tests without a browser.
export type Route =
  | { name: 'webhooks' }
  | { name: 'new-webhook' }
  | { name: 'endpoint'; id: string }
  | { name: 'test'; endpoint?: string }
  | { name: 'logs'; filters: LogFilters; delivery?: string }
  | { name: 'not-found'; path: string };

export interface LogFilters {
  type?: string;
  status?: string;
  endpoint?: string;
  /** ISO-8601: deliveries with an attempt in [from, to) (a bar of the delivery chart). */
  from?: string;
  to?: string;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/webhooks';
  const [path, query = ''] = raw.split('?', 2);
  const q = new URLSearchParams(query);
  const get = (k: string) => q.get(k) || undefined;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'webhooks' };
  if (parts[0] === 'webhooks') {
    if (parts.length === 1) return { name: 'webhooks' };
    if (parts.length === 2 && parts[1] === 'new') return { name: 'new-webhook' };
    if (parts.length === 2) return { name: 'endpoint', id: parts[1] };
  }
  if (parts[0] === 'test' && parts.length === 1) return { name: 'test', endpoint: get('endpoint') };
  if (parts[0] === 'logs' && parts.length <= 2) {
    return { name: 'logs', filters: { type: get('type'), status: get('status'), endpoint: get('endpoint'), from: get('from'), to: get('to') }, delivery: parts[1] };
  }
  return { name: 'not-found', path };
}

function withQuery(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

export const href = {
  webhooks: () => '#/webhooks',
  newWebhook: () => '#/webhooks/new',
  endpoint: (id: string) => `#/webhooks/${encodeURIComponent(id)}`,
  test: (endpoint?: string) => withQuery('/test', { endpoint }),
  logs: (filters: LogFilters = {}, delivery?: string) =>
    withQuery(delivery ? `/logs/${encodeURIComponent(delivery)}` : '/logs', { type: filters.type, status: filters.status, endpoint: filters.endpoint, from: filters.from, to: filters.to }),
};
