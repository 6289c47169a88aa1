// Durations as users type them: "100ms", "5s", "2m", "2h", "1d", or a bare number of milliseconds.
import ms from 'ms';

export function parseDuration(input: string): number | null {
  const s = input.trim();
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^\d+(\.\d+)?\s*[a-z]+$/i.test(s)) return null;
  const v = ms(s as ms.StringValue);
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

export function formatDuration(msValue: number): string {
  if (msValue < 1000) return `${Math.round(msValue)} ms`;
  return ms(Math.round(msValue), { long: false });
}
