// "Delivery health": the chart of one endpoint (or all of them) over the chosen window, live, with the
// same numbers as a table for keyboards and screen readers. A bar (or a table link) opens the Event
// Logs filtered to that bucket.
import { useState } from 'react';
import type { StatsBucket } from '../../../contract/stats.js';
import { useStats } from '../hooks/use-stats.js';
import { href } from '../lib/routes.js';
import { bucketLabel, countsText, DEFAULT_WINDOW, formatMs, type WindowValue } from '../lib/stats.js';
import { DeliveryChart } from './delivery-chart.js';
import { ErrorMessage } from './error-message.js';
import { WindowPicker } from './window-picker.js';

export function DeliveryHealth({ endpoint, title }: { endpoint?: string; title: string }) {
  const [window, setWindow] = useState<WindowValue>(DEFAULT_WINDOW);
  const { data, error } = useStats(window, endpoint);
  const logs = (b: StatsBucket) => href.logs({ endpoint, from: b.start, to: b.end });
  const id = `health-${endpoint ?? 'all'}`;
  return (
    <section className="card health" aria-labelledby={id}>
      <div className="page-head">
        <h2 id={id}>{title}</h2>
        <WindowPicker name={`${id}-window`} value={window} onChange={setWindow} />
      </div>
      <ErrorMessage message={error} />
      {!data && !error && <p aria-busy="true">Loading delivery stats…</p>}
      {data && (
        <>
          <DeliveryChart stats={data} onPick={(b) => (location.hash = logs(b))} />
          <details className="chart-table">
            <summary>Show as a table</summary>
            <table>
              <caption className="sr-only">{`Attempts per ${data.bucket} over the last ${data.window}: ${countsText(data.total)}`}</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Delivered</th>
                  <th scope="col">Retried</th>
                  <th scope="col">Failed</th>
                  <th scope="col">p50</th>
                  <th scope="col">p95</th>
                </tr>
              </thead>
              <tbody>
                {data.buckets
                  .filter((b) => b.attempts > 0)
                  .map((b) => (
                    <tr key={b.start}>
                      <th scope="row">
                        <a href={logs(b)}>{bucketLabel(b, data.bucket_ms)}</a>
                      </th>
                      <td>{b.delivered}</td>
                      <td>{b.retried}</td>
                      <td>{b.failed}</td>
                      <td>{formatMs(b.p50_ms)}</td>
                      <td>{formatMs(b.p95_ms)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
            {data.total.attempts === 0 && <p className="muted">No attempts in the last {data.window}.</p>}
          </details>
        </>
      )}
    </section>
  );
}
