// A one-line unicode bar chart: one block character per value, scaled to the largest. Zero is the
// lowest block and any non-zero value shows above it, so a single event in a quiet minute is visible.
// Pure; shared by `propitbox stats` and the listen TUI's header.
const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** `max` fixes the scale (e.g. to compare two lines); default: the largest value. */
export function sparkline(values: readonly number[], max = Math.max(0, ...values)): string {
  let out = '';
  for (const v of values) {
    if (!(v > 0) || !(max > 0)) out += BLOCKS[0];
    else out += BLOCKS[Math.max(1, Math.min(BLOCKS.length - 1, Math.ceil((v / max) * (BLOCKS.length - 1))))];
  }
  return out;
}

/** Sums consecutive values so that at most `width` remain (the oldest group may be partial). */
export function squeeze(values: readonly number[], width: number): number[] {
  if (width <= 0) return [];
  if (values.length <= width) return [...values];
  const per = Math.ceil(values.length / width);
  const out: number[] = [];
  // Group from the newest end, so the last bar is always the most recent data.
  for (let end = values.length; end > 0; end -= per) {
    let sum = 0;
    for (let i = Math.max(0, end - per); i < end; i++) sum += values[i];
    out.unshift(sum);
  }
  return out;
}
