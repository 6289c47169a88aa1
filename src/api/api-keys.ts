// The API-key resources of a propitbox server (per-developer keys, managed with its admin key).
import type { ApiKey, CreatedApiKey } from '../contract/api-keys.js';
import type { List } from '../contract/v1.js';
import type { ApiClient } from './client.js';

export function apiKeys(c: ApiClient) {
  return {
    create: (name: string) => c.post<CreatedApiKey>('/v1/api-keys', { name }),
    list: () => c.get<List<ApiKey>>('/v1/api-keys'),
    revoke: (id: string) => c.delete<{ id: string; deleted: boolean }>(`/v1/api-keys/${encodeURIComponent(id)}`),
  };
}
