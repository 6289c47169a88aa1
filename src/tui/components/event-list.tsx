// The scrolling event list. Windowed: only the rows on screen are rendered, whatever the backlog, so a
// burst of thousands of events redraws a screenful, not thousands of rows.
import { memo, useMemo } from 'react';
import { Box, Text } from 'ink';
import { matchesPattern } from '../../domain/event-types.js';
import { columnsFor, headerCells, rowCells, type Columns } from '../columns.js';
import { rowById } from '../state/listen-reducer.js';
import { listHeight } from '../state/layout.js';
import type { EventRow, ViewState } from '../state/types.js';

interface RowProps {
  row: EventRow;
  cols: Columns;
  selected: boolean;
  targets: ViewState['session']['targets'];
}

// One line per event. Memoized: the reducer gives a row a new object only when it changes, so a frame
// under a flood re-renders the rows that scrolled in or changed, not the whole screenful.
const RowLine = memo(function RowLine({ row, cols, selected, targets }: RowProps) {
  const c = rowCells(row, cols, selected, targets, matchesPattern);
  const dim = row.fromHistory && !row.attempts.length;
  return (
    <Text wrap="truncate" bold={selected} dimColor={dim}>
      {c.mark}
      {c.text}
      <Text color={c.tone}>{c.status}</Text>
      {c.tail}
    </Text>
  );
});

export function EventList({ view }: { view: ViewState }) {
  const height = listHeight(view.size.rows);
  const cols = useMemo(() => columnsFor(view.size.cols), [view.size.cols]);
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
          return <RowLine key={id} row={row} cols={cols} selected={view.scrollTop + i === view.cursor} targets={view.session.targets} />;
        })
      )}
    </Box>
  );
}
