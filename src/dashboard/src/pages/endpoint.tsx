// One endpoint: details, edit, enable/disable, delete, its signing secret and its deliveries (live).
import { useState } from 'react';
import type { Delivery } from '../../../contract/v1.js';
import { useApp, useBus } from '../hooks/app-context.js';
import { useLoad } from '../hooks/use-load.js';
import { useAction } from '../hooks/use-action.js';
import { EventTags } from '../components/event-tags.js';
import { applyDeliveryUpdate } from '../lib/deliveries.js';
import { formatTime } from '../lib/format.js';
import { href } from '../lib/routes.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { DeliveriesTable } from '../components/deliveries-table.js';
import { EndpointForm } from '../components/endpoint-form.js';
import { ErrorMessage } from '../components/error-message.js';
import { SecretPanel } from '../components/secret-panel.js';
import { DeliveryHealth } from '../components/delivery-health.js';
import { StatusBadge } from '../components/status-badge.js';

export function EndpointPage({ id }: { id: string }) {
  const { api } = useApp();
  const [editing, setEditing] = useState(false);
  const action = useAction();
  const endpoint = useLoad(() => api.getEndpoint(id), [api, id]);
  const deliveries = useLoad(async () => (await api.listDeliveries({ endpoint_id: id, limit: 20 })).data, [api, id]);
  useBus((m) => {
    if (m.event === 'ready') (endpoint.reload(), deliveries.reload());
    if (m.event === 'endpoint.changed' && (m.data as { id?: string }).id === id) endpoint.reload();
    if (m.event === 'delivery.updated') deliveries.setData((list) => applyDeliveryUpdate(list ?? [], m.data as Delivery, { endpoint: id }));
  });
  const run = (fn: () => Promise<unknown>) =>
    action.run(async () => {
      await fn();
      endpoint.reload();
    });

  if (endpoint.error && !endpoint.data) return <ErrorMessage message={endpoint.error} />;
  const ep = endpoint.data;
  if (!ep) return <p aria-busy="true">Loading endpoint…</p>;
  return (
    <>
      <nav aria-label="Breadcrumb" className="muted">
        <a href={href.webhooks()}>Webhooks</a> / <code>{ep.id}</code>
      </nav>
      <h1 className="url">{ep.url}</h1>
      <ErrorMessage message={action.error} />
      {editing ? (
        <section className="card" aria-label="Edit endpoint">
          <h2>Edit endpoint</h2>
          <EndpointForm
            initial={{ url: ep.url, events: ep.events, description: ep.description }}
            submitLabel="Save changes"
            onSubmit={async (input) => {
              await api.updateEndpoint(ep.id, input);
              setEditing(false);
              endpoint.reload();
            }}
            onCancel={() => setEditing(false)}
          />
        </section>
      ) : (
        <section className="card" aria-label="Endpoint details">
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={ep.status} />
            </dd>
            <dt>Events</dt>
            <dd>
              <EventTags events={ep.events} />
            </dd>
            <dt>Description</dt>
            <dd>{ep.description ?? '—'}</dd>
            <dt>Created</dt>
            <dd>
              <time dateTime={ep.created}>{formatTime(ep.created)}</time>
            </dd>
          </dl>
          <div className="actions">
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" onClick={() => run(() => api.setEnabled(ep.id, ep.status !== 'enabled'))}>
              {ep.status === 'enabled' ? 'Disable' : 'Enable'}
            </button>
            <a className="button" href={href.test(ep.id)}>
              Send test event
            </a>
            <ConfirmButton
              label="Delete endpoint"
              confirmLabel="Delete permanently"
              onConfirm={() =>
                run(async () => {
                  await api.deleteEndpoint(ep.id);
                  location.hash = href.webhooks();
                })
              }
            />
          </div>
        </section>
      )}
      <DeliveryHealth endpoint={ep.id} title="Delivery health" />
      <SecretPanel endpointId={ep.id} />
      <section aria-labelledby="endpoint-deliveries">
        <div className="page-head">
          <h2 id="endpoint-deliveries">Recent deliveries</h2>
          <a href={href.logs({ endpoint: ep.id })}>Open in Event Logs</a>
        </div>
        <ErrorMessage message={deliveries.error} />
        {deliveries.data && (
          <DeliveriesTable
            caption={`Deliveries to ${ep.url}`}
            deliveries={deliveries.data}
            endpointUrls={new Map([[ep.id, ep.url]])}
            filters={{ endpoint: ep.id }}
            onRetry={(did) => run(() => api.retryDelivery(did))}
          />
        )}
      </section>
    </>
  );
}
