// `?`: every key and the filter syntax, in the body area.
import { Box, Text } from 'ink';
import { bodyHeight } from '../state/layout.js';
import { MAX_EVENTS, type ViewState } from '../state/types.js';

export const HELP_LINES: Array<[string, string]> = [
  ['↑/↓ j/k', 'move (scroll in details)'],
  ['PgUp/PgDn', 'page up / down'],
  ['Home/End g/G', 'first / newest event (End follows new events)'],
  ['Enter / Esc', 'details of the selected event / back (Esc also clears a filter)'],
  ['r', 'replay the selected event (re-signed, fresh timestamp)'],
  ['R', 'replay every failed event'],
  ['e', 'edit a copy in $EDITOR, then re-sign and send it'],
  ['/', 'filter: status:5xx status:failed status:pending type:vehicle.* id:evt_… or a word'],
  ['p', 'pause / resume forwarding (events queue, nothing is lost)'],
  ['c / C', 'copy the event id / the payload (OSC 52 clipboard)'],
  ['s', 'show / hide the session signing secret'],
  ['q / Ctrl-C', 'quit'],
];

export function HelpOverlay({ view }: { view: ViewState }) {
  const lines = HELP_LINES.slice(0, Math.max(1, bodyHeight(view.size.rows) - 2));
  return (
    <Box flexDirection="column" width={view.size.cols} height={bodyHeight(view.size.rows)}>
      <Text bold inverse wrap="truncate">
        {' Keys'.padEnd(view.size.cols)}
      </Text>
      {lines.map(([k, d]) => (
        <Text key={k} wrap="truncate">
          <Text bold>{`  ${k.padEnd(14)}`}</Text>
          {d}
        </Text>
      ))}
      <Text wrap="truncate" color="gray">
        {`  The newest ${MAX_EVENTS} events stay in memory; older ones are in the listen history (filters search it).`}
      </Text>
    </Box>
  );
}
