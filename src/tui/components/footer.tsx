// Footer: a status line (notices like "copied", the filter prompt, or memory/filter info) and the keys
// for the current mode, dropping the least important ones on narrow terminals.
import { Box, Text } from 'ink';
import type { ViewState } from '../state/types.js';

const KEYS: Record<ViewState['mode'], string[]> = {
  list: ['↑↓ move', '⏎ details', 'r replay', 'R failed', 'e edit', '/ filter', 'p pause', 'c/C copy', '? help', 'q quit'],
  details: ['↑↓ scroll', 'Esc back', 'r replay', 'e edit', 'c/C copy', 'p pause', '? help', 'q quit'],
  filter: ['⏎ apply', 'Esc cancel', 'Ctrl-U clear', 'e.g. status:5xx type:vehicle.* evt_1a2b'],
  help: ['? or Esc close', 'q quit'],
};

/** Keys that fit in `width`; the list is ordered by importance except `q quit`, kept last. */
export function keysLine(mode: ViewState['mode'], width: number): string {
  const keys = [...KEYS[mode]];
  let line = keys.join('  ');
  while (line.length > width && keys.length > 2) {
    keys.splice(keys.length - 2, 1);
    line = keys.join('  ');
  }
  return line;
}

function statusLine(view: ViewState): { text: string; color?: string } {
  if (view.mode === 'filter') {
    return view.filterError ? { text: `/${view.filterDraft}▏  ${view.filterError}`, color: 'red' } : { text: `/${view.filterDraft}▏  ${view.visible.length} match`, color: 'cyan' };
  }
  if (view.notice) return { text: view.notice.text, color: view.notice.level === 'error' ? 'red' : view.notice.level === 'warn' ? 'yellow' : 'green' };
  const parts: string[] = [];
  if (view.filterText) parts.push(`filter ${view.filterText}: ${view.visible.length} shown (Esc clears)`);
  if (view.evicted) parts.push(`newest ${view.order.length} in memory, ${view.evicted} older in history (/ searches it)`);
  if (view.paused) parts.push('PAUSED: events queue until p');
  return { text: parts.join(' · ') };
}

export function Footer({ view }: { view: ViewState }) {
  const s = statusLine(view);
  return (
    <Box flexDirection="column" width={view.size.cols}>
      <Text wrap="truncate" color={s.color}>
        {s.text || ' '}
      </Text>
      <Text wrap="truncate" dimColor>
        {keysLine(view.mode, view.size.cols)}
      </Text>
    </Box>
  );
}
