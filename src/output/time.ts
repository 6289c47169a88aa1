// Relative times for humans: "3s ago", "5m ago", "in 30s". `now` is passed in, else the run's clock.
import { now as clock } from '../util/io.js';

export function relativeTime(iso: string | null | undefined, now: number = clock()): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diff = Math.round((now - t) / 1000);
  const abs = Math.abs(diff);
  const unit =
    abs < 60 ? `${abs}s` : abs < 3600 ? `${Math.floor(abs / 60)}m` : abs < 86_400 ? `${Math.floor(abs / 3600)}h` : abs < 86_400 * 60 ? `${Math.floor(abs / 86_400)}d` : null;
  if (unit === null) return iso.slice(0, 10);
  if (abs < 1) return 'just now';
  return diff >= 0 ? `${unit} ago` : `in ${unit}`;
}
