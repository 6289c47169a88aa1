// The current time as an ISO-8601 string, for the history line written per forwarded event. Date's
// toISOString costs more than the rest of the line at thousands of events a second; the date part only
// changes once a second, so it is formatted once a second and the milliseconds appended.
let second = -1;
let prefix = '';

export function isoAt(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s !== second) {
    second = s;
    prefix = new Date(s * 1000).toISOString().slice(0, 20); // "2026-11-28T16:40:52."
  }
  const r = ms - s * 1000;
  return prefix + (r < 10 ? '00' : r < 100 ? '0' : '') + r + 'Z';
}

export function isoNow(): string {
  return isoAt(Date.now());
}
