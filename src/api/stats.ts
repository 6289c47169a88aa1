// GET /v1/stats over ApiClient (src/contract/stats.ts).
import type { ApiClient, Query } from './client.js';
import type { Stats, StatsQuery } from '../contract/stats.js';

export function stats(c: ApiClient) {
  return {
    get: (q: StatsQuery = {}) => c.get<Stats>('/v1/stats', q as Query),
  };
}
