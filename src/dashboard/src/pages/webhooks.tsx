// Settings -> Webhooks: every endpoint with its status; enable/disable in place.
import type { Endpoint } from '../../../contract/v1.js';
import { useApp, useBus } from '../hooks/app-context.js';
import { useLoad } from '../hooks/use-load.js';
import { formatTime } from '../lib/format.js';
import { href } from '../lib/routes.js';
import { ErrorMessage } from '../components/error-message.js';
import { StatusBadge } from '../components/status-badge.js';
import { useAction } from '../hooks/use-action.js';
import { EventTags } from '../components/event-tags.js';
import { DeliveryHealth } from '../components/delivery-health.js';

export function WebhooksPage() {
  const { api } = useApp();
  const action = useAction();
  const list = useLoad(() => api.listEndpoints(), [api]);
  useBus((m) => {
    if (m.event === 'endpoint.changed' || m.event === 'ready') list.reload();
  });
  const toggle = (ep: Endpoint) =>
    action.run(async () => {
      await api.setEnabled(ep.id, ep.status !== 'enabled');
      list.reload();
    });
  return (
    <>
      <div className="page-head">
        <h1>Webhooks</h1>
        <a className="button primary" href={href.newWebhook()}>
          Add endpoint
        </a>
      </div>
      <DeliveryHealth title="Deliveries to all endpoints" />
      <ErrorMessage message={list.error ?? action.error} />
      {list.loading && <p aria-busy="true">Loading endpoints…</p>}
      {list.data && list.data.data.length === 0 && (
        <p className="muted">
          No endpoints yet. <a href={href.newWebhook()}>Add one</a> or run <code>propitbox webhooks create</code>.
        </p>
      )}
      {list.data && list.data.data.length > 0 && (
        <div className="table-wrap">
          <table className="endpoints">
            <caption className="sr-only">Webhook endpoints</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((ep) => (
                <tr key={ep.id} data-endpoint-id={ep.id}>
                  <td className="url">
                    <a href={href.endpoint(ep.id)}>{ep.url}</a>
                    {ep.description && <div className="muted small">{ep.description}</div>}
                  </td>
                  <td data-label="Events">
                    <EventTags events={ep.events} />
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={ep.status} />
                  </td>
                  <td data-label="Created">
                    <time dateTime={ep.created}>{formatTime(ep.created)}</time>
                  </td>
                  <td>
                    <div className="row-actions">
                      <button type="button" onClick={() => toggle(ep)} aria-label={`${ep.status === 'enabled' ? 'Disable' : 'Enable'} ${ep.url}`}>
                        {ep.status === 'enabled' ? 'Disable' : 'Enable'}
                      </button>
                      <a href={href.test(ep.id)}>Send test</a>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
