// The Event Logs table (also on an endpoint's page): one row per delivery, newest first.
import type { Delivery } from '../../../contract/v1.js';
import { describeNextRetry, outcome } from '../lib/deliveries.js';
import { formatTime } from '../lib/format.js';
import { href, type LogFilters } from '../lib/routes.js';
import { useNow } from '../hooks/use-now.js';
import { StatusBadge } from './status-badge.js';

export function DeliveriesTable(props: {
  deliveries: Delivery[];
  endpointUrls: Map<string, string>;
  filters?: LogFilters;
  selectedId?: string;
  onRetry(id: string): void;
  caption: string;
}) {
  const now = useNow();
  if (props.deliveries.length === 0) return <p className="muted">No deliveries yet. Send a test event to see one here.</p>;
  return (
    <div className="table-wrap">
      <table className="deliveries">
        <caption className="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event type</th>
            <th scope="col">Target</th>
            <th scope="col">Status</th>
            <th scope="col">Response</th>
            <th scope="col">Attempts</th>
            <th scope="col">Next retry</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.deliveries.map((d) => (
            <tr key={d.id} data-delivery-id={d.id} data-status={d.status} aria-current={d.id === props.selectedId ? 'true' : undefined}>
              <td className="nowrap" data-label="Time">
                <time dateTime={d.created}>{formatTime(d.created)}</time>
              </td>
              <td data-label="Event type">
                <code>{d.event_type}</code>
                <div className="muted small">{d.event_id}</div>
              </td>
              <td className="target" title={d.url} data-label="Target">
                {d.endpoint_id ? (props.endpointUrls.get(d.endpoint_id) ?? d.url) : `listen session ${d.session_id ?? ''}`}
              </td>
              <td data-label="Status">
                <StatusBadge status={d.status} />
              </td>
              <td className="outcome" data-label="Response">
                {outcome(d)}
              </td>
              <td data-label="Attempts">{d.attempt_count}</td>
              <td data-label="Next retry">{describeNextRetry(d, now) ?? '—'}</td>
              <td>
                <div className="row-actions">
                  <a href={href.logs(props.filters ?? {}, d.id)} aria-label={`Details of delivery ${d.id}`}>
                    Details
                  </a>
                  {d.status === 'failed' && d.endpoint_id && (
                    <button type="button" onClick={() => props.onRetry(d.id)} aria-label={`Retry delivery ${d.id}`}>
                      Retry
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
