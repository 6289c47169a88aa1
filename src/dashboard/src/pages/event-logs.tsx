// Event Logs: every delivery, filterable by type, status and endpoint, with a detail view and Retry.
// New events and attempts appear live; "Load more" pages back with starting_after.
import type { Delivery } from '../../../contract/v1.js';
import { EVENT_TYPE_NAMES } from '../../../domain/event-types.js';
import { useApp, useBus } from '../hooks/app-context.js';
import { useLoad } from '../hooks/use-load.js';
import { useAction } from '../hooks/use-action.js';
import { SelectField } from '../components/select-field.js';
import { applyDeliveryUpdate, mergePage } from '../lib/deliveries.js';
import { href, type LogFilters } from '../lib/routes.js';
import { DeliveriesTable } from '../components/deliveries-table.js';
import { DeliveryDetail } from '../components/delivery-detail.js';
import { ErrorMessage } from '../components/error-message.js';
import { TimeRangeChip } from '../components/time-range-chip.js';

const PAGE = 50;

interface Page {
  items: Delivery[];
  hasMore: boolean;
  cursor?: string; // last id of the API's page, for starting_after
}

export function EventLogsPage({ filters, delivery }: { filters: LogFilters; delivery?: string }) {
  const { api } = useApp();
  const action = useAction();
  const endpoints = useLoad(async () => (await api.listEndpoints()).data, [api]);
  // Every filter runs on the server, so a page is never a filtered subset of a bigger one.
  const fetchPage = async (after?: string): Promise<Page> => {
    const res = await api.listDeliveries({ endpoint_id: filters.endpoint, status: filters.status, event_type: filters.type, attempted_from: filters.from, attempted_to: filters.to, limit: PAGE, starting_after: after });
    return { items: res.data, hasMore: res.has_more, cursor: res.data[res.data.length - 1]?.id };
  };
  const page = useLoad(() => fetchPage(), [api, filters.type, filters.status, filters.endpoint, filters.from, filters.to]);

  useBus((m) => {
    if (m.event === 'delivery.updated') {
      page.setData((p) => p && { ...p, items: applyDeliveryUpdate(p.items, m.data as Delivery, filters) });
    } else if (m.event === 'event.created' || m.event === 'ready') {
      // New deliveries may not have produced an update yet: merge the newest page in.
      void fetchPage().then((fresh) => page.setData((p) => p && { ...p, items: mergePage(p.items, fresh.items, filters) }), () => {});
    } else if (m.event === 'endpoint.changed') endpoints.reload();
  });

  const setFilter = (patch: Partial<LogFilters>) => (location.hash = href.logs({ ...filters, ...patch }));
  const retry = (id: string) =>
    action.run(async () => {
      const d = await api.retryDelivery(id);
      page.setData((p) => p && { ...p, items: applyDeliveryUpdate(p.items, d, filters) });
    });
  const loadMore = () =>
    action.run(async () => {
      const more = await fetchPage(page.data?.cursor);
      page.setData((p) => p && { hasMore: more.hasMore, cursor: more.cursor, items: mergePage(p.items, more.items, filters) });
    });
  const urls = new Map((endpoints.data ?? []).map((e) => [e.id, e.url]));

  return (
    <>
      <h1>Event logs</h1>
      <form className="filters" aria-label="Filter deliveries" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          id="filter-type"
          label="Event type"
          value={filters.type ?? ''}
          onChange={(type) => setFilter({ type })}
          options={[{ value: '', label: 'All types' }, ...EVENT_TYPE_NAMES.map((t) => ({ value: t, label: t }))]}
        />
        <SelectField
          id="filter-status"
          label="Status"
          value={filters.status ?? ''}
          onChange={(status) => setFilter({ status })}
          options={[{ value: '', label: 'All statuses' }, ...['pending', 'succeeded', 'failed'].map((s) => ({ value: s, label: s }))]}
        />
        <SelectField
          id="filter-endpoint"
          label="Endpoint"
          value={filters.endpoint ?? ''}
          onChange={(endpoint) => setFilter({ endpoint })}
          options={[{ value: '', label: 'All endpoints' }, ...(endpoints.data ?? []).map((ep) => ({ value: ep.id, label: ep.url }))]}
        />
      </form>
      {(filters.from || filters.to) && <TimeRangeChip filters={filters} onClear={() => setFilter({ from: undefined, to: undefined })} />}
      <ErrorMessage message={page.error ?? action.error} />
      <div className={delivery ? 'split' : undefined}>
        <section aria-label="Deliveries">
          {page.loading && <p aria-busy="true">Loading deliveries…</p>}
          {page.data && (
            <DeliveriesTable caption="Deliveries, newest first" deliveries={page.data.items} endpointUrls={urls} filters={filters} selectedId={delivery} onRetry={retry} />
          )}
          {page.data?.hasMore && (
            <button type="button" onClick={loadMore}>
              Load more
            </button>
          )}
        </section>
        {delivery && <DeliveryDetail key={delivery} id={delivery} onRetry={retry} />}
      </div>
    </>
  );
}
