// Fills that read without colour: delivered is solid, retried has diagonal stripes, failed a dense
// cross-hatch. The same tiles draw the canvas bars (CanvasPattern) and the legend swatches (SVG).

export type BarKind = 'delivered' | 'retried' | 'failed';

export interface ChartColors {
  ok: string;
  warn: string;
  bad: string;
  fg: string;
  muted: string;
  line: string;
  card: string;
}

/** The page's theme colours (light or dark), read from the CSS variables the stylesheet defines. */
export function themeColors(): ChartColors {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return { ok: v('--ok', '#17692f'), warn: v('--warn', '#8a5a00'), bad: v('--bad', '#b3261e'), fg: v('--fg', '#1b1d21'), muted: v('--muted', '#5b606b'), line: v('--line', '#d5d8de'), card: v('--card', '#fff') };
}

const TILE = 8;

/** Draws one tile of the kind's pattern on a TILE x TILE context. */
function drawTile(ctx: CanvasRenderingContext2D, kind: BarKind, c: ChartColors): void {
  ctx.fillStyle = kind === 'delivered' ? c.ok : c.card;
  ctx.fillRect(0, 0, TILE, TILE);
  if (kind === 'delivered') return;
  ctx.strokeStyle = kind === 'retried' ? c.warn : c.bad;
  ctx.lineWidth = kind === 'retried' ? 2.5 : 2;
  ctx.beginPath();
  // Diagonals that continue across tile edges.
  ctx.moveTo(0, TILE);
  ctx.lineTo(TILE, 0);
  ctx.moveTo(-TILE / 2, TILE / 2);
  ctx.lineTo(TILE / 2, -TILE / 2);
  ctx.moveTo(TILE / 2, TILE * 1.5);
  ctx.lineTo(TILE * 1.5, TILE / 2);
  if (kind === 'failed') {
    ctx.moveTo(0, 0);
    ctx.lineTo(TILE, TILE);
    ctx.moveTo(-TILE / 2, TILE / 2);
    ctx.lineTo(TILE / 2, TILE * 1.5);
    ctx.moveTo(TILE / 2, -TILE / 2);
    ctx.lineTo(TILE * 1.5, TILE / 2);
  }
  ctx.stroke();
}

export function barPattern(kind: BarKind, c: ChartColors): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = tile.height = TILE;
  const ctx = tile.getContext('2d');
  if (!ctx) return kind === 'delivered' ? c.ok : kind === 'retried' ? c.warn : c.bad;
  drawTile(ctx, kind, c);
  return ctx.createPattern(tile, 'repeat') ?? c.ok;
}
