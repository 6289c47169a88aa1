// The chart's legend: each series named, with the same pattern or line style as in the chart, so it
// reads without colour. SVG patterns mirror the canvas tiles of chart-patterns.ts.
const KINDS = [
  { id: 'delivered', label: 'delivered (2xx)' },
  { id: 'retried', label: 'retried (failed, will retry)' },
  { id: 'failed', label: 'failed (final)' },
] as const;

function Swatch({ kind }: { kind: (typeof KINDS)[number]['id'] }) {
  return (
    <svg width="18" height="12" aria-hidden="true">
      <defs>
        <pattern id={`legend-${kind}`} width="8" height="8" patternUnits="userSpaceOnUse">
          <rect width="8" height="8" className={`tile-${kind}`} />
          {kind !== 'delivered' && <path d="M0 8 L8 0 M-4 4 L4 -4 M4 12 L12 4" className={`hatch-${kind}`} />}
          {kind === 'failed' && <path d="M0 0 L8 8 M-4 4 L4 12 M4 -4 L12 4" className="hatch-failed" />}
        </pattern>
      </defs>
      <rect width="18" height="12" fill={`url(#legend-${kind})`} className={`swatch-${kind}`} />
    </svg>
  );
}

/** p50: solid line, filled dot; p95: dashed line, hollow dot (as drawn on the chart). */
function LineSwatch({ dashed }: { dashed: boolean }) {
  return (
    <svg width="28" height="12" aria-hidden="true">
      <line x1="0" y1="6" x2="28" y2="6" className={dashed ? 'swatch-line dashed' : 'swatch-line'} />
      <circle cx="14" cy="6" r="3" className={dashed ? 'swatch-dot hollow' : 'swatch-dot'} />
    </svg>
  );
}

export function ChartLegend() {
  return (
    <ul className="chart-legend">
      {KINDS.map((k) => (
        <li key={k.id}>
          <Swatch kind={k.id} />
          {k.label}
        </li>
      ))}
      <li>
        <LineSwatch dashed={false} />
        p50 latency
      </li>
      <li>
        <LineSwatch dashed />
        p95 latency
      </li>
    </ul>
  );
}
