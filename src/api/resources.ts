// Typed resources over ApiClient, one group per noun of src/contract/v1.ts. Thin on purpose: the shapes
// are the contract; commands decide what to print.
import type { ApiClient, Query } from './client.js';
import type { CreateEventRequest, CreateEventResponse, Delivery, Endpoint, EndpointStatus, List, ListenSession, WebhookEvent } from '../contract/v1.js';

export interface Page {
  limit?: number;
  starting_after?: string;
}

export interface EndpointInput {
  url?: string;
  events?: string[];
  description?: string | null;
  status?: EndpointStatus;
}

export interface DeliveryFilter extends Page {
  endpoint_id?: string;
  session_id?: string;
  event_id?: string;
  event_type?: string;
  status?: string;
}

/** GET /v1/events: by type, and by what their deliveries went to / how they ended. */
export interface EventFilter extends Page {
  type?: string;
  endpoint_id?: string;
  session_id?: string;
  status?: string;
}

const enc = encodeURIComponent;

export function webhooks(c: ApiClient) {
  return {
    list: (page: Page = {}) => c.get<List<Endpoint>>('/v1/webhooks', page as Query),
    create: (input: EndpointInput & { url: string; events: string[] }) => c.post<Endpoint>('/v1/webhooks', input),
    get: (id: string) => c.get<Endpoint>(`/v1/webhooks/${enc(id)}`),
    secret: (id: string) => c.get<{ secret: string }>(`/v1/webhooks/${enc(id)}/secret`),
    update: (id: string, input: EndpointInput) => c.patch<Endpoint>(`/v1/webhooks/${enc(id)}`, input),
    delete: (id: string) => c.delete<{ id: string; deleted: boolean }>(`/v1/webhooks/${enc(id)}`),
    enable: (id: string) => c.post<Endpoint>(`/v1/webhooks/${enc(id)}/enable`),
    disable: (id: string) => c.post<Endpoint>(`/v1/webhooks/${enc(id)}/disable`),
    rotateSecret: (id: string) => c.post<Endpoint>(`/v1/webhooks/${enc(id)}/rotate-secret`),
    test: (id: string, type: string, data?: Record<string, unknown>) => c.post<CreateEventResponse>(`/v1/webhooks/${enc(id)}/test`, { type, data }),
  };
}

export function events(c: ApiClient) {
  return {
    list: (q: EventFilter = {}) => c.get<List<WebhookEvent>>('/v1/events', q as Query),
    get: (id: string) => c.get<WebhookEvent>(`/v1/events/${enc(id)}`),
    create: (req: CreateEventRequest) => c.post<CreateEventResponse>('/v1/events', req),
    resend: (id: string, endpointId?: string) => c.post<{ deliveries: Delivery[] }>(`/v1/events/${enc(id)}/resend`, endpointId ? { endpoint_id: endpointId } : {}),
  };
}

export interface ReportedAttempt {
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  request_headers: Record<string, string>;
  response_headers: Record<string, string>;
  response_body: string;
}

export function deliveries(c: ApiClient) {
  return {
    list: (q: DeliveryFilter = {}) => c.get<List<Delivery>>('/v1/deliveries', q as Query),
    get: (id: string) => c.get<Delivery>(`/v1/deliveries/${enc(id)}`),
    retry: (id: string) => c.post<Delivery>(`/v1/deliveries/${enc(id)}/retry`),
    /** A replay the CLI made of a listen-session delivery, recorded as one more (manual) attempt. */
    recordAttempt: (id: string, a: ReportedAttempt) => c.post<Delivery>(`/v1/deliveries/${enc(id)}/attempts`, a),
  };
}

export interface ListenSessionInput {
  events?: string[];
  label?: string;
  since?: number; // seconds of history to replay first
  durable?: boolean; // keep it when the CLI exits (catch-up across restarts)
  targets?: string[]; // the local URLs this client forwards to (shown in `webhooks sessions list`)
  ingest_channels?: string[]; // also receive what these ingest channels store
}

export function listenSessions(c: ApiClient) {
  return {
    create: (input: ListenSessionInput) => c.post<ListenSession>('/v1/listen-sessions', input),
    list: () => c.get<List<ListenSession>>('/v1/listen-sessions'),
    get: (id: string) => c.get<ListenSession>(`/v1/listen-sessions/${enc(id)}`),
    delete: (id: string) => c.delete<{ id: string; deleted: boolean }>(`/v1/listen-sessions/${enc(id)}`),
    secret: () => c.get<{ secret: string }>('/v1/listen-secret'),
    rotateSecret: () => c.post<{ secret: string }>('/v1/listen-secret/rotate'),
  };
}
