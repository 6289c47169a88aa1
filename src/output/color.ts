// Colour only when a human is looking: stdout is a TTY and neither NO_COLOR nor --no-color is set
// (--no-color sets NO_COLOR in src/cli/program.ts). FORCE_COLOR=1..3 forces it (e.g. for screenshots).
import { Chalk, type ChalkInstance } from 'chalk';
import { env } from '../util/env.js';
import { stdout } from '../util/io.js';

export type Level = 0 | 1 | 2 | 3;

export function colorLevel(stream: { isTTY?: boolean; getColorDepth?: () => number } = stdout()): Level {
  if (env('NO_COLOR')) return 0;
  const forced = env('FORCE_COLOR');
  if (forced !== undefined) return (['0', 'false'].includes(forced) ? 0 : Math.min(3, Math.max(1, Number(forced) || 1))) as Level;
  if (!stream.isTTY) return 0;
  const depth = stream.getColorDepth?.() ?? 4;
  return depth >= 24 ? 3 : depth >= 8 ? 2 : 1;
}

const cache = new Map<Level, ChalkInstance>();

/** A chalk for stdout at the level decided now (decided per call: --no-color is applied after import). */
export function colors(level: Level = colorLevel()): ChalkInstance {
  let c = cache.get(level);
  if (!c) cache.set(level, (c = new Chalk({ level })));
  return c;
}

/** Green 2xx, yellow 3xx/4xx, red 5xx and transport errors (no status). */
export function paintStatus(code: number | null | undefined, text: string = code == null ? 'ERR' : String(code)): string {
  const c = colors();
  if (code == null || code >= 500) return c.red(text);
  if (code >= 200 && code < 300) return c.green(text);
  return c.yellow(text);
}

/** Delivery/endpoint states: succeeded/enabled green, pending yellow, failed/disabled red/grey. */
export function paintState(state: string): string {
  const c = colors();
  switch (state) {
    case 'succeeded':
    case 'enabled':
      return c.green(state);
    case 'pending':
      return c.yellow(state);
    case 'failed':
      return c.red(state);
    default:
      return c.gray(state);
  }
}
