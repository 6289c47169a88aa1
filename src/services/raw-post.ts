// One ingested request re-sent straight to a local app (`events replay req_…`): the sender's method,
// header pairs and exact bytes, unsigned (see relay/ingest-forward.ts), over the single-connection send.
import { sendOnce } from '../outbound/send-once.js';
import { forwardHeaders } from '../relay/ingest-forward.js';
import type { IngestItem } from '../relay/ingest-item.js';
import type { ForwardResult } from './signed-post.js';

export async function rawPost(o: { url: string; id: string; type: string; item: IngestItem; timeoutMs: number }): Promise<ForwardResult> {
  let host = '';
  try {
    host = new URL(o.url).host;
  } catch {
    /* sendOnce reports the bad URL */
  }
  const headers = forwardHeaders(o.item.headers, host, o.id);
  const r = await sendOnce({ method: o.item.method, url: o.url, headers, body: o.item.body, deadlineMs: o.timeoutMs }, { excerptBytes: 2048 });
  return {
    url: o.url,
    event_id: o.id,
    event_type: o.type,
    status_code: r.status,
    duration_ms: Math.round(r.durationMs),
    response_headers: r.headers,
    response_body: r.body,
    error: r.error?.line ?? null,
    error_kind: r.error?.kind ?? null,
    error_code: r.error?.code ?? null,
    hint: r.error?.hint ?? null,
  };
}
