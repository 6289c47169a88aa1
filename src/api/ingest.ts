// The ingest resources over ApiClient (channels and the requests they stored), for the relay.
import type { ApiClient, Query } from './client.js';
import type { IngestChannel, IngestChannelInput, IngestRequest, IngestRequestSummary } from '../contract/ingest.js';
import type { List } from '../contract/v1.js';
import type { Page } from './resources.js';

const enc = encodeURIComponent;

export function ingestChannels(c: ApiClient) {
  return {
    create: (input: IngestChannelInput = {}) => c.post<IngestChannel>('/v1/ingest-channels', input),
    list: (page: Page = {}) => c.get<List<IngestChannel>>('/v1/ingest-channels', page as Query),
    get: (id: string) => c.get<IngestChannel>(`/v1/ingest-channels/${enc(id)}`),
    update: (id: string, input: IngestChannelInput) => c.patch<IngestChannel>(`/v1/ingest-channels/${enc(id)}`, input),
    delete: (id: string) => c.delete<{ id: string; deleted: boolean }>(`/v1/ingest-channels/${enc(id)}`),
    rotateUrl: (id: string) => c.post<IngestChannel>(`/v1/ingest-channels/${enc(id)}/rotate-url`),
    requests: (id: string, page: Page = {}) => c.get<List<IngestRequestSummary>>(`/v1/ingest-channels/${enc(id)}/requests`, page as Query),
    request: (id: string) => c.get<IngestRequest>(`/v1/ingest-requests/${enc(id)}`),
  };
}
