// Round bucket sizes for delivery stats, shared by the server (its default bucket, and the hint when a
// query asks for too many) and the CLI (a short table). Pure.

/** Sizes on a clock, smallest first, with the label the API accepts for each. */
export const NICE_BUCKETS: ReadonlyArray<readonly [label: string, ms: number]> = [
  ['1s', 1e3], ['2s', 2e3], ['5s', 5e3], ['10s', 1e4], ['15s', 15e3], ['30s', 3e4],
  ['1m', 6e4], ['2m', 12e4], ['5m', 3e5], ['10m', 6e5], ['15m', 9e5], ['30m', 18e5],
  ['1h', 36e5], ['2h', 72e5], ['3h', 108e5], ['6h', 216e5], ['12h', 432e5], ['1d', 864e5],
];

/** The smallest round bucket that splits `windowMs` into at most `maxBars` buckets (or the largest). */
export function niceBucket(windowMs: number, maxBars: number): readonly [label: string, ms: number] {
  return NICE_BUCKETS.find(([, size]) => Math.ceil(windowMs / size) <= maxBars) ?? NICE_BUCKETS[NICE_BUCKETS.length - 1];
}
