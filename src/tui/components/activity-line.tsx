// The header's fourth line: a sparkline of events per second over the last minute, the average rate,
// and the p95 latency of the forwards answered in it (with its own 5-second sparkline).
import { Text } from 'ink';
import type { ViewState } from '../state/types.js';
import { activity, ACTIVITY_WINDOW_MS } from '../state/activity.js';
import { latency } from '../format.js';
import { sparkline, squeeze } from '../../util/sparkline.js';

/** Characters of events sparkline for a terminal width: 60 (1 s each) when it fits, else fewer. */
export function eventsWidth(cols: number): number {
  return Math.max(10, Math.min(60, cols - 50));
}

export function activityText(view: Pick<ViewState, 'rows' | 'now' | 'size'>): { events: string; rate: string; p95Spark: string; p95: string } {
  const a = activity(view);
  const rate = a.received / (ACTIVITY_WINDOW_MS / 1000);
  return {
    events: sparkline(squeeze(a.perSecond, eventsWidth(view.size.cols))),
    rate: `${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s`,
    p95Spark: sparkline(a.p95BySlot),
    p95: a.p95 === null ? '-' : latency(a.p95),
  };
}

export function ActivityLine({ view }: { view: ViewState }) {
  const t = activityText(view);
  return (
    <Text wrap="truncate">
      <Text dimColor>last 60s</Text>  events <Text color="cyan">{t.events}</Text> {t.rate}  p95 <Text color="cyan">{t.p95Spark}</Text> {t.p95}
    </Text>
  );
}
