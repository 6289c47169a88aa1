// The delivery chart: per time bucket, stacked bars of delivered / retried / failed attempts (left
// axis) and the p50 and p95 attempt latency as lines (right axis). uPlot draws on a canvas; hovering
// shows the bucket's numbers above the chart, clicking a bar opens the Event Logs for that bucket.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Stats, StatsBucket } from '../../../contract/stats.js';
import { bucketLabel, bucketWithAttempts, chartColumns, clock, countsText } from '../lib/stats.js';
import { barPattern, themeColors } from './chart-patterns.js';
import { ChartLegend } from './chart-legend.js';

const HEIGHT = 220;

function options(width: number, stats: () => Stats, onHover: (idx: number | null) => void): uPlot.Options {
  const c = themeColors();
  const bars = uPlot.paths.bars!({ size: [0.78, 48, 1], align: 0 });
  const axis = { stroke: c.muted, grid: { stroke: c.line, width: 1 }, ticks: { stroke: c.line, width: 1 } };
  const bar = (label: string, fill: CanvasPattern | string, stroke: string): uPlot.Series => ({ label, scale: 'count', fill, stroke, width: 1, paths: bars, points: { show: false } });
  // p50: solid line, filled dots; p95: dashed line, hollow dots (a lone bucket has only its dot).
  const line = (label: string, hollow: boolean): uPlot.Series => ({ label, scale: 'ms', stroke: c.fg, width: 2, dash: hollow ? [6, 4] : undefined, spanGaps: false, points: { show: true, size: 7, width: 2, stroke: c.fg, fill: hollow ? c.card : c.fg } });
  const time = (_u: uPlot, splits: number[]) => splits.map((sec) => clock(new Date(sec * 1000).toISOString(), false));
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false }, y: false },
    scales: {
      x: { time: true, range: () => [Date.parse(stats().from) / 1000, Date.parse(stats().to) / 1000] },
      count: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil((max ?? 0) * 1.1))] },
      ms: { range: (_u, _min, max) => [0, Math.max(10, Math.ceil((max ?? 0) * 1.1))] },
    },
    axes: [
      { ...axis, values: time },
      { ...axis, scale: 'count', label: 'attempts', labelSize: 18, size: 44 },
      { ...axis, scale: 'ms', side: 1, label: 'latency (ms)', labelSize: 18, size: 52, grid: { show: false } },
    ],
    // Bars are drawn tallest first: each column holds its band plus the ones below it.
    series: [
      {},
      bar('failed', barPattern('failed', c), c.bad),
      bar('retried', barPattern('retried', c), c.warn),
      bar('delivered', barPattern('delivered', c), c.ok),
      line('p50', false),
      line('p95', true),
    ],
    hooks: { setCursor: [(u) => onHover(u.cursor.idx ?? null)] },
  };
}

export function DeliveryChart({ stats, onPick }: { stats: Stats; onPick(bucket: StatsBucket): void }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ stats, onPick });
  latest.current = { stats, onPick };
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const el = box.current!;
    const u = new uPlot(options(el.clientWidth || 800, () => latest.current.stats, (idx) => setHover((prev) => (prev === idx ? prev : idx))), chartColumns(latest.current.stats), el);
    plot.current = u;
    const click = () => {
      const b = bucketWithAttempts(latest.current.stats, u.cursor.idx);
      if (b) latest.current.onPick(b);
    };
    const move = () => (u.over.style.cursor = bucketWithAttempts(latest.current.stats, u.cursor.idx) ? 'pointer' : 'default');
    u.over.addEventListener('click', click);
    u.over.addEventListener('mousemove', move);
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => plot.current?.setData(chartColumns(stats)), [stats]);

  const b = hover === null ? undefined : stats.buckets[hover];
  const bars = stats.buckets.filter((x) => x.attempts > 0).length;
  return (
    <figure className="chart" data-buckets={stats.buckets.length} data-bars={bars}>
      <p className="chart-readout" data-testid="chart-readout">
        {b ? (
          <>
            <strong>{bucketLabel(b, stats.bucket_ms)}</strong>: {countsText(b)}
            {b.attempts > 0 && <span className="muted"> · click to see them</span>}
          </>
        ) : (
          <>
            <strong>Last {stats.window}</strong>: {countsText(stats.total)}
          </>
        )}
      </p>
      <div ref={box} className="chart-canvas" aria-hidden="true" />
      <figcaption>
        <ChartLegend />
      </figcaption>
    </figure>
  );
}
