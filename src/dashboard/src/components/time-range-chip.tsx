// Event Logs opened from a chart bar: says which attempt times the list is limited to, and clears it.
import type { LogFilters } from '../lib/routes.js';
import { formatTime } from '../lib/format.js';

export function TimeRangeChip({ filters, onClear }: { filters: LogFilters; onClear(): void }) {
  const from = filters.from ? formatTime(filters.from) : 'the start';
  const to = filters.to ? formatTime(filters.to) : 'now';
  return (
    <p className="filter-chip" data-testid="time-range">
      <span>
        Attempted from <time dateTime={filters.from}>{from}</time> to <time dateTime={filters.to}>{to}</time>
      </span>
      <button type="button" className="inline" onClick={onClear} aria-label="Clear the time range">
        Clear
      </button>
    </p>
  );
}
