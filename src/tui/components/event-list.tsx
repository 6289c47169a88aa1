// The scrolling event list. Windowed: only the rows on screen are rendered, whatever the backlog, so a
// burst of thousands of events redraws a screenful, not thousands of rows.
import { Box, Text } from 'ink';
import { matchesPattern } from '../../domain/event-types.js';
import { columnsFor, headerCells, rowCells } from '../columns.js';
import { rowById } from '../state/listen-reducer.js';
import { listHeight } from '../state/layout.js';
import type { ViewState } from '../state/types.js';

export function EventList({ view }: { view: ViewState }) {
  const height = listHeight(view.size.rows);
  const cols = columnsFor(view.size.cols);
  const ids = view.visible.slice(view.scrollTop, view.scrollTop + height);
  const filtered = view.filterText || view.mode === 'filter';
  return (
    <Box flexDirection="column" width={view.size.cols} height={height + 1}>
      <Text bold inverse wrap="truncate">
        {headerCells(cols).padEnd(view.size.cols)}
      </Text>
      {ids.length === 0 ? (
        <Text color="gray" wrap="truncate">
          {filtered ? '  No events match the filter (Esc clears it).' : '  Waiting for events… try: propitbox trigger maintenance.task.created'}
        </Text>
      ) : (
        ids.map((id, i) => {
          const row = rowById(view, id);
          if (!row) return null;
          const selected = view.scrollTop + i === view.cursor;
          const c = rowCells(row, cols, selected, view.session.targets, matchesPattern);
          const dim = row.fromHistory && !row.attempts.length;
          return (
            <Text key={id} wrap="truncate" bold={selected} dimColor={dim}>
              {c.mark}
              {c.text}
              <Text color={c.tone}>{c.status}</Text>
              {c.tail}
            </Text>
          );
        })
      )}
    </Box>
  );
}
