// Details of one event: the request (headers, pretty JSON body) and every attempt with the local
// response. Renders only the window of lines that fits; j/k and PgUp/PgDn scroll it.
import { Box, Text } from 'ink';
import { detailLines } from '../details-lines.js';
import { statusLabel } from '../format.js';
import { rowById } from '../state/listen-reducer.js';
import { detailsHeight } from '../state/layout.js';
import type { ViewState } from '../state/types.js';

export function DetailsPane({ view }: { view: ViewState }) {
  const height = detailsHeight(view.size.rows);
  const row = rowById(view, view.detailsId);
  if (!row) {
    return (
      <Box flexDirection="column" height={height + 1}>
        <Text color="yellow">This event left memory; it is still in the history (/ then its id finds it). Esc goes back.</Text>
      </Box>
    );
  }
  const lines = detailLines(row, view.size.cols);
  const top = Math.min(view.detailsScroll, Math.max(0, lines.length - height));
  const shown = lines.slice(top, top + height);
  const st = statusLabel(row);
  const more = lines.length > height ? `  lines ${top + 1}-${top + shown.length} of ${lines.length}` : '';
  const head = ` ${row.id}  ${row.type}  `;
  const tail = `${more}  (Esc back)`;
  return (
    <Box flexDirection="column" width={view.size.cols} height={height + 1}>
      <Text bold inverse wrap="truncate">
        {head}
        <Text color={st.tone}>{st.text}</Text>
        {tail.padEnd(Math.max(0, view.size.cols - head.length - st.text.length))}
      </Text>
      {shown.map((l, i) => (
        <Text key={top + i} wrap="truncate" color={l.tone} bold={l.bold}>
          {l.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
