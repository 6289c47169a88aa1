// The dashboard's only data source: the emulator's public /v1 API (src/contract/v1.ts), the same one the
// CLI speaks, authenticated with the developer's API key. Errors carry the API's own message so the
// dashboard shows exactly what the CLI would print.
import type { Stats, StatsQuery } from '../../../contract/stats.js';
import type { IngestRequest } from '../../../contract/ingest.js';
import type { ApiErrorBody, CreateEventResponse, Delivery, Endpoint, List, WebhookEvent } from '../../../contract/v1.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

export interface DeliveryQuery {
  endpoint_id?: string;
  status?: string;
  event_id?: string;
  event_type?: string;
  attempted_from?: string;
  attempted_to?: string;
  limit?: number;
  starting_after?: string;
}

export interface EndpointInput {
  url: string;
  events: string[];
  description?: string | null;
}

/** `?a=1&b=2` from the defined, non-empty values; '' when there are none. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function createApi(key: string, base = '') {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'application/json' };
    // No content-type without a body: fastify rejects an empty JSON body.
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'Cannot reach the emulator: is `propitbox dev` still running?');
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const err = (json as Partial<ApiErrorBody> | undefined)?.error;
      throw new ApiError(res.status, err?.message ?? `HTTP ${res.status} from ${path}`, err?.code, err?.param);
    }
    return json as T;
  }
  const enc = encodeURIComponent;
  return {
    listEndpoints: (limit = 100) => request<List<Endpoint>>('GET', `/v1/webhooks${queryString({ limit })}`),
    getEndpoint: (id: string) => request<Endpoint>('GET', `/v1/webhooks/${enc(id)}`),
    createEndpoint: (input: EndpointInput) => request<Endpoint>('POST', '/v1/webhooks', input),
    updateEndpoint: (id: string, patch: Partial<EndpointInput>) => request<Endpoint>('PATCH', `/v1/webhooks/${enc(id)}`, patch),
    deleteEndpoint: (id: string) => request<{ id: string; deleted: true }>('DELETE', `/v1/webhooks/${enc(id)}`),
    setEnabled: (id: string, enabled: boolean) => request<Endpoint>('POST', `/v1/webhooks/${enc(id)}/${enabled ? 'enable' : 'disable'}`),
    rotateSecret: (id: string) => request<Endpoint>('POST', `/v1/webhooks/${enc(id)}/rotate-secret`),
    getSecret: (id: string) => request<{ secret: string }>('GET', `/v1/webhooks/${enc(id)}/secret`),
    sendTest: (id: string, type: string, data?: Record<string, unknown>) =>
      request<CreateEventResponse>('POST', `/v1/webhooks/${enc(id)}/test`, data ? { type, data } : { type }),
    listDeliveries: (q: DeliveryQuery) => request<List<Delivery>>('GET', `/v1/deliveries${queryString({ ...q })}`),
    getDelivery: (id: string) => request<Delivery>('GET', `/v1/deliveries/${enc(id)}`),
    retryDelivery: (id: string) => request<Delivery>('POST', `/v1/deliveries/${enc(id)}/retry`),
    getEvent: (id: string) => request<WebhookEvent>('GET', `/v1/events/${enc(id)}`),
    getIngestRequest: (id: string) => request<IngestRequest>('GET', `/v1/ingest-requests/${enc(id)}`),
    getStats: (q: StatsQuery) => request<Stats>('GET', `/v1/stats${queryString({ ...q })}`),
  };
}

export type Api = ReturnType<typeof createApi>;

/** The message to show for any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
