// One delivery: the event payload, and for every attempt the request headers, response code, headers
// and body. Refreshes live while its delivery changes.
import type { Attempt, Delivery, WebhookEvent } from '../../../contract/v1.js';
import type { IngestRequest } from '../../../contract/ingest.js';
import { useEffect, useRef } from 'react';
import { useApp, useBus } from '../hooks/app-context.js';
import { useLoad } from '../hooks/use-load.js';
import { useNow } from '../hooks/use-now.js';
import { describeNextRetry } from '../lib/deliveries.js';
import { formatTime, prettyBody } from '../lib/format.js';
import { ErrorMessage } from './error-message.js';
import { StatusBadge } from './status-badge.js';

function HeadersTable({ headers, caption }: { headers: Record<string, string>; caption: string }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p className="muted">{caption}: none</p>;
  return (
    <table className="headers">
      <caption>{caption}</caption>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>
              <code>{v}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AttemptView({ a, latest }: { a: Attempt; latest: boolean }) {
  return (
    <li className="attempt" data-attempt={a.number}>
      <h4>
        Attempt {a.number}
        {a.manual ? ' (manual)' : ''}: {a.status_code !== null ? `HTTP ${a.status_code}` : (a.error ?? 'no response')}
      </h4>
      <p className="muted">
        <time dateTime={a.started_at}>{formatTime(a.started_at)}</time>, {a.duration_ms} ms{a.error && a.status_code !== null ? `, ${a.error}` : ''}
      </p>
      <details>
        <summary>Request headers</summary>
        <HeadersTable headers={a.request_headers} caption="Request headers" />
      </details>
      <details open={latest}>
        <summary>Response</summary>
        <HeadersTable headers={a.response_headers} caption="Response headers" />
        <pre className="body" aria-label={`Response body of attempt ${a.number}`}>{a.response_body || '(empty body)'}</pre>
      </details>
    </li>
  );
}

export function DeliveryDetail({ id, onRetry }: { id: string; onRetry(id: string): void }) {
  const { api } = useApp();
  const now = useNow();
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = useLoad(async () => {
    const delivery = await api.getDelivery(id);
    // A delivery of an ingested request (req_…) to a listen session: show the request as received.
    if (delivery.event_id.startsWith('req_')) return { delivery, event: null, ingest: await api.getIngestRequest(delivery.event_id).catch(() => null) };
    const event = await api.getEvent(delivery.event_id).catch(() => null);
    return { delivery, event, ingest: null };
  }, [api, id]);
  useBus((m) => {
    if (m.event === 'ready' || (m.event === 'delivery.updated' && (m.data as Delivery).id === id)) loaded.reload();
  });
  const ready = Boolean(loaded.data);
  // Opening a delivery moves focus (and the viewport) to it, once, for keyboard and screen-reader users.
  useEffect(() => {
    if (!ready) return;
    heading.current?.focus({ preventScroll: true });
    heading.current?.scrollIntoView({ block: 'nearest' });
  }, [ready]);
  if (loaded.error) return <ErrorMessage message={loaded.error} />;
  if (!loaded.data) return <p aria-busy="true">Loading delivery…</p>;
  const { delivery: d, event, ingest } = loaded.data;
  return (
    <section className="card" aria-labelledby="delivery-title" data-delivery-detail={d.id}>
      <h3 id="delivery-title" tabIndex={-1} ref={heading}>
        Delivery <code>{d.id}</code>
      </h3>
      <div className="detail-grid">
        <DeliverySummary d={d} event={event} ingest={ingest} next={describeNextRetry(d, now)} onRetry={onRetry} />
        <div>
          <h4>Attempts</h4>
          {d.attempts && d.attempts.length > 0 ? (
            <ul className="attempts plain" aria-label="Attempts, newest first">
              {[...d.attempts].reverse().map((a, i) => (
                <AttemptView key={a.number} a={a} latest={i === 0} />
              ))}
            </ul>
          ) : (
            <p className="muted">No attempt yet.</p>
          )}
        </div>
      </div>
    </section>
  );
}

/** The body of an ingested request: UTF-8 text, or its size when it is binary. */
function ingestBody(r: IngestRequest): string {
  const bytes = Uint8Array.from(atob(r.body_base64), (c) => c.charCodeAt(0));
  try {
    return prettyBody(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) || '(empty body)';
  } catch {
    return `(binary, ${bytes.length} bytes: \`propitbox ingest show ${r.id}\` prints a hex dump)`;
  }
}

function IngestPayload({ r }: { r: IngestRequest }) {
  return (
    <>
      <h4>Request (ingest {r.channel_id})</h4>
      <p>
        <code>
          {r.method} {r.path || '/'}
          {r.query ? `?${r.query}` : ''}
        </code>{' '}
        <span className="muted small">from {r.remote_addr ?? '?'}</span>
      </p>
      <table className="headers">
        <caption>Headers as received</caption>
        <tbody>
          {r.headers.map(([k, v], i) => (
            <tr key={i}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <pre className="body" aria-label="Request body">
        {ingestBody(r)}
      </pre>
    </>
  );
}

function DeliverySummary({ d, event, ingest, next, onRetry }: { d: Delivery; event: WebhookEvent | null; ingest: IngestRequest | null; next: string | null; onRetry(id: string): void }) {
  return (
    <div>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={d.status} />
          {d.status === 'failed' && d.endpoint_id && (
            <button type="button" className="inline" onClick={() => onRetry(d.id)}>
              Retry
            </button>
          )}
        </dd>
        <dt>Event</dt>
        <dd>
          <code>{d.event_type}</code> <code>{d.event_id}</code>
        </dd>
        <dt>Target</dt>
        <dd className="url">{d.url}</dd>
        <dt>Attempts</dt>
        <dd>{d.attempt_count}</dd>
        <dt>Last response</dt>
        <dd data-testid="last-response">{d.last_status_code ?? d.last_error ?? '—'}</dd>
        <dt>Next retry</dt>
        <dd data-testid="next-retry">{next ? `${next} (${formatTime(d.next_attempt_at!)})` : '—'}</dd>
      </dl>
      {ingest ? (
        <IngestPayload r={ingest} />
      ) : (
        <>
          <h4>Payload</h4>
          <pre className="body" aria-label="Event payload">
            {event ? prettyBody(JSON.stringify(event)) : '(event not found)'}
          </pre>
        </>
      )}
    </div>
  );
}
