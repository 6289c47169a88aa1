// Finding an event to replay: the recent ones in memory, then the local history file (so it works
// after a restart), then the API (GET /v1/events/:id). Also keeps the latest outcome per event for
// "replay all failed". Memory is bounded; the history file holds the rest.
import type { History } from './history.js';
import { findInHistory, searchHistory } from './history.js';
import type { RelayApi } from './relay-api.js';
import { displayBody, fromApi, fromHistory, type IngestItem } from './ingest-item.js';

export interface KnownEvent {
  id: string;
  type: string;
  created: string;
  body: string;
  /** An ingested request: replayed as received (method, headers, bytes), not signed. */
  ingest?: IngestItem;
}

const MEMORY_LIMIT = 2_000;
const OUTCOME_LIMIT = 50_000;

function bounded<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
}

export class EventLookup {
  private readonly recent = new Map<string, KnownEvent>();
  private readonly outcomes = new Map<string, number | null>();

  constructor(private readonly history: History, private readonly api: Pick<RelayApi, 'getEvent' | 'getIngestRequest'> | null) {}

  remember(ev: KnownEvent): void {
    bounded(this.recent, ev.id, ev, MEMORY_LIMIT);
  }

  created(id: string): string {
    return this.recent.get(id)?.created ?? '';
  }

  outcome(id: string, status: number | null): void {
    bounded(this.outcomes, id, status, OUTCOME_LIMIT);
  }

  failedIds(): string[] {
    return [...this.outcomes].filter(([, s]) => s === null || s < 200 || s >= 300).map(([id]) => id);
  }

  async find(id: string): Promise<KnownEvent | null> {
    const mem = this.recent.get(id);
    if (mem) return mem;
    this.history.flush();
    const rec = await findInHistory(this.history.file, id);
    if (rec && !rec.ingest) return { id: rec.id, type: rec.type, created: rec.created, body: rec.body };
    const kept = rec?.ingest ? fromHistory(rec.ingest, rec.type) : null;
    if (rec && kept) return { id: rec.id, type: rec.type, created: rec.created, body: rec.body, ingest: kept };
    if (id.startsWith('req_')) {
      // Too big for the history file (or not in it): the relay keeps ingested requests for 7 days.
      const r = this.api ? await this.api.getIngestRequest(id).catch(() => null) : null;
      if (!r) return null;
      const item = fromApi(r);
      return { id: r.id, type: r.event_type ?? 'ingest', created: r.received, body: displayBody(item), ingest: item };
    }
    const ev = this.api ? await this.api.getEvent(id).catch(() => null) : null;
    // The API returns the event in the seed's shape; compact JSON.stringify is the signed form.
    return ev ? { id: ev.id, type: ev.type, created: ev.created, body: JSON.stringify(ev) } : null;
  }

  async search(query: string, limit: number): Promise<Array<{ id: string; type: string; created: string; status: number | null }>> {
    this.history.flush();
    const recs = await searchHistory(this.history.file, query, limit);
    return recs.map((r) => ({ id: r.id, type: r.type, created: r.created, status: r.status }));
  }
}
