// "Send Test Event": pick an endpoint and a type; the server builds the event from its fixture and
// delivers it to that endpoint only. The result follows the delivery live until it settles.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CreateEventResponse, Delivery } from '../../../contract/v1.js';
import { EVENT_TYPES } from '../../../domain/event-types.js';
import { useApp, useBus } from '../hooks/app-context.js';
import { useLoad } from '../hooks/use-load.js';
import { useAction } from '../hooks/use-action.js';
import { SelectField } from '../components/select-field.js';
import { describeNextRetry, isStale, outcome } from '../lib/deliveries.js';
import { fixtureData } from '../lib/fixtures.js';
import { prettyBody } from '../lib/format.js';
import { href } from '../lib/routes.js';
import { ErrorMessage } from '../components/error-message.js';
import { StatusBadge } from '../components/status-badge.js';
import { useNow } from '../hooks/use-now.js';

export function SendTestPage({ endpoint: initialEndpoint }: { endpoint?: string }) {
  const { api } = useApp();
  const now = useNow();
  const endpoints = useLoad(async () => (await api.listEndpoints()).data, [api]);
  const [endpointId, setEndpointId] = useState(initialEndpoint ?? '');
  const [type, setType] = useState<string>(EVENT_TYPES[0].type);
  const [result, setResult] = useState<CreateEventResponse | null>(null);
  const action = useAction();

  useEffect(() => {
    if (!endpointId && endpoints.data?.length) setEndpointId(endpoints.data[0].id);
  }, [endpoints.data, endpointId]);
  // The attempt can finish (and stream its result) before the POST answers: remember recent updates
  // and apply them to the answer, newest wins.
  const recent = useRef(new Map<string, Delivery>());
  const newest = (d: Delivery) => {
    const seen = recent.current.get(d.id);
    return seen && isStale(seen, d) ? seen : d;
  };
  useBus((m) => {
    if (m.event !== 'delivery.updated') return;
    const d = m.data as Delivery;
    recent.current.set(d.id, d);
    if (recent.current.size > 500) recent.current.delete(recent.current.keys().next().value!);
    setResult((r) => (r ? { ...r, deliveries: r.deliveries.map((x) => (x.id === d.id ? newest(x) : x)) } : r));
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    void action.run(async () => {
      const res = await api.sendTest(endpointId, type, fixtureData(type));
      setResult({ ...res, deliveries: res.deliveries.map(newest) });
    });
  };

  return (
    <>
      <h1>Send test event</h1>
      <ErrorMessage message={endpoints.error} />
      {endpoints.data && endpoints.data.length === 0 ? (
        <p>
          No endpoints yet: <a href={href.newWebhook()}>add one</a> first.
        </p>
      ) : (
        <form className="stack" onSubmit={submit} aria-label="Send test event">
          <SelectField
            id="test-endpoint"
            label="Endpoint"
            required
            value={endpointId}
            onChange={setEndpointId}
            options={(endpoints.data ?? []).map((ep) => ({ value: ep.id, label: `${ep.url}${ep.status === 'disabled' ? ' (disabled)' : ''}` }))}
          />
          <SelectField
            id="test-type"
            label="Event type"
            value={type}
            onChange={setType}
            options={EVENT_TYPES.map((t) => ({ value: t.type, label: `${t.type}: ${t.description}` }))}
          />
          <p className="muted">
            The data comes from <code>fixtures/{type}.json</code>, as with <code>propitbox trigger {type}</code>, with fresh ids and times.
          </p>
          <ErrorMessage message={action.error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={action.busy || !endpointId}>
              Send test event
            </button>
          </div>
        </form>
      )}
      <div role="status" aria-live="polite" className="result">
        {result && (
          <section className="card" aria-label="Test result">
            <h2>
              Sent <code>{result.event.type}</code> <code>{result.event.id}</code>
            </h2>
            {result.deliveries.length === 0 && <p>No delivery was created (is the endpoint disabled?).</p>}
            <details>
              <summary>Payload</summary>
              <pre className="body" aria-label="Sent payload">
                {prettyBody(JSON.stringify(result.event))}
              </pre>
            </details>
            <ul className="plain">
              {result.deliveries.map((d) => (
                <li key={d.id} data-delivery-id={d.id} data-status={d.status}>
                  <StatusBadge status={d.status} /> {d.url}: <strong className="outcome">{d.attempt_count ? outcome(d) : 'sending…'}</strong>
                  {/* Plain text: a pending delivery cannot be retried by hand, the engine does it. */}
                  {describeNextRetry(d, now) && <span className="muted next-attempt"> · next attempt {describeNextRetry(d, now)}</span>}{' '}
                  <a href={href.logs({}, d.id)}>View in Event Logs</a>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </>
  );
}
