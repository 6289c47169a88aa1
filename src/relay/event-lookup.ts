// Finding an event to replay: the recent ones in memory, then the local history file (so it works
// after a restart), then the API (GET /v1/events/:id). Also keeps the events whose latest outcome
// failed, for "replay all failed". Memory is bounded; the history file holds the rest.
import type { History } from './history.js';
import { findInHistory, searchHistory } from './history.js';
import type { RelayApi } from './relay-api.js';
import { displayBody, fromApi, fromHistory, type IngestItem } from './ingest-item.js';
import { setBounded } from '../util/bounded-map.js';

export interface KnownEvent {
  id: string;
  type: string;
  created: string;
  body: string;
  /** An ingested request: replayed as received (method, headers, bytes), not signed. */
  ingest?: IngestItem;
}

const MEMORY_LIMIT = 2_000;
const FAILED_LIMIT = 50_000;

const failed = (status: number | null) => status === null || status < 200 || status >= 300;

export class EventLookup {
  private readonly recent = new Map<string, KnownEvent>();
  /** Events whose latest outcome failed (a later success removes one): most sessions keep none. */
  private readonly failures = new Map<string, true>();

  constructor(private readonly history: History, private readonly api: Pick<RelayApi, 'getEvent' | 'getIngestRequest'> | null) {}

  remember(ev: KnownEvent): void {
    setBounded(this.recent, ev.id, ev, MEMORY_LIMIT);
  }

  created(id: string): string {
    return this.recent.get(id)?.created ?? '';
  }

  outcome(id: string, status: number | null): void {
    if (failed(status)) setBounded(this.failures, id, true, FAILED_LIMIT);
    else if (this.failures.size) this.failures.delete(id);
  }

  failedIds(): string[] {
    return [...this.failures.keys()];
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
