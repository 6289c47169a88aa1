// The websocket frame of an ingested request (see IngestMsg in src/relay/protocol.ts). Everything but
// the seq is the same for every session, so that part is serialized once and kept in a small cache
// bounded by bytes: a request fanned out to a connected listener is sent without reading it back.
import type { RequestRow } from '../store/ingest-requests.js';

const CACHE_BYTES = 64 * 1024 * 1024;

export class FrameCache {
  private readonly tails = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly load: (id: string) => RequestRow | undefined, private readonly maxBytes = CACHE_BYTES) {}

  /** `{"t":"ingest","seq":N,…}` for this request; a request that is gone says so (`missing`). */
  frame(seq: number, id: string): string {
    let tail = this.tails.get(id);
    if (tail === undefined) {
      const row = this.load(id);
      if (!row) return JSON.stringify({ t: 'ingest', seq, id, missing: true });
      tail = this.remember(row);
    }
    return `{"t":"ingest","seq":${seq},${tail}`;
  }

  /** Serialize a request's frame now (it was just received and is about to be sent). */
  remember(row: RequestRow): string {
    const tail = frameTail(row);
    if (tail.length <= this.maxBytes / 4) {
      this.tails.set(row.id, tail);
      this.bytes += tail.length;
      for (const [k, v] of this.tails) {
        if (this.bytes <= this.maxBytes) break;
        this.tails.delete(k);
        this.bytes -= v.length;
      }
    }
    return tail;
  }
}

/** The frame after `"seq":N,` (the opening brace and `t`/`seq` are added per session). Headers are stored as JSON already. */
function frameTail(r: RequestRow): string {
  const j = JSON.stringify;
  return (
    `"id":${j(r.id)},"channel_id":${j(r.channel_id)},"method":${j(r.method)},"path":${j(r.path)},"query":${j(r.query)},` +
    `"headers":${r.headers},"body":"${r.body.toString('base64')}","received_at":${j(r.received)},"remote_addr":${j(r.remote_addr)},` +
    `"type":${j(r.event_type)},"event_id":${j(r.event_id)}}`
  );
}
