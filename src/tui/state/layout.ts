// Screen budget, shared by the reducer (to keep the cursor in view) and the components (to size panes).
// One line is left free at the bottom: Ink clears the whole terminal on every frame whose output is as
// tall as the screen, which flickers and costs CPU under a flood.
export const HEADER_LINES = 4;
export const FOOTER_LINES = 2;
export const LIST_HEADER_LINES = 1;

export function bodyHeight(rows: number): number {
  return Math.max(3, rows - 1 - HEADER_LINES - FOOTER_LINES);
}

/** Event rows visible in the list (the column header takes one line of the body). */
export function listHeight(rows: number): number {
  return Math.max(1, bodyHeight(rows) - LIST_HEADER_LINES);
}

/** Details pane: one title line, the rest scrolls. */
export function detailsHeight(rows: number): number {
  return Math.max(1, bodyHeight(rows) - 1);
}

/** Keep `cursor` inside [scrollTop, scrollTop + height). */
export function scrollFor(cursor: number, scrollTop: number, height: number, total: number): number {
  let top = scrollTop;
  if (cursor < top) top = cursor;
  if (cursor >= top + height) top = cursor - height + 1;
  return Math.max(0, Math.min(top, Math.max(0, total - height)));
}
