// Header: where events come from and go to, connection state (with the retry countdown), the session
// secret (masked until `s`), the counters, and the last minute's activity. Four lines, each cut to the
// terminal width.
import { Box, Text } from 'ink';
import type { ViewState } from '../state/types.js';
import { mask } from '../../util/mask.js';
import { shortUrl, type Tone } from '../format.js';
import { ActivityLine } from './activity-line.js';

export function connectionLabel(view: Pick<ViewState, 'connection' | 'now'>): { text: string; tone: Tone } {
  const c = view.connection;
  if (!c) return { text: '◌ starting', tone: 'cyan' };
  switch (c.state) {
    case 'connecting':
      return { text: `◌ connecting${c.attempt > 1 ? ` (attempt ${c.attempt})` : ''}`, tone: 'cyan' };
    case 'ready':
      return { text: `● ready ${c.sessionId}`, tone: 'green' };
    case 'session-recreated':
      return { text: `● ready ${c.sessionId} (session re-created: ${c.reason})`, tone: 'green' };
    case 'reconnecting': {
      const left = Math.max(0, Math.ceil((c.inMs - (view.now - c.at)) / 1000));
      return { text: `↻ reconnecting in ${left}s (attempt ${c.attempt}: ${c.reason})`, tone: 'yellow' };
    }
    case 'closed':
      return { text: `✕ closed: ${c.reason}`, tone: 'red' };
  }
}

function targetsLabel(view: ViewState): string {
  const t = view.session.targets;
  if (!t.length) return '→ (waiting for the session)';
  return '→ ' + t.map((x) => (x.pattern === '*' ? shortUrl(x.url) : `${x.pattern}=${shortUrl(x.url)}`)).join('  ');
}

export function Header({ view }: { view: ViewState }) {
  const conn = connectionLabel(view);
  const { counts, header, session } = view;
  const secret = session.secret ? (view.revealSecret ? session.secret : mask(session.secret)) : '…';
  const down = Object.entries(view.receivers).filter(([, r]) => !r.up);
  // The ingest URL is what the user gives to senders: first on its line, never cut off by long routes.
  const ingest = session.ingestUrl ? (
    <Text>
      ingest <Text color="cyan">{session.ingestUrl}</Text>{' '}
    </Text>
  ) : null;
  const filterEvents = session.events.length && !(session.events.length === 1 && session.events[0] === '*') ? `  events ${session.events.join(',')}` : '';
  return (
    <Box flexDirection="column" width={view.size.cols}>
      <Text wrap="truncate">
        <Text bold>propitbox</Text> {header.mode === 'emulator' ? 'emulator' : 'API'} {header.apiUrl} · profile {header.profile} · <Text color={conn.tone}>{conn.text}</Text>
      </Text>
      {view.revealSecret ? (
        // Revealed to be copied: first on the line, so long routes never cut it off.
        <Text wrap="truncate">
          secret <Text color="gray">{secret}</Text> <Text dimColor>(s hide)</Text>  {ingest}{targetsLabel(view)}
          {filterEvents}
        </Text>
      ) : (
        <Text wrap="truncate">
          {ingest}
          {targetsLabel(view)}
          {filterEvents}  secret <Text color="gray">{secret}</Text> <Text dimColor>(s reveal)</Text>
        </Text>
      )}
      <Text wrap="truncate">
        received <Text bold>{counts.received}</Text>  <Text color="green">2xx {counts.ok}</Text>  <Text color={counts.failed ? 'red' : undefined}>failed {counts.failed}</Text>  <Text color={counts.pending ? 'cyan' : undefined}>pending {counts.pending}</Text>
        {view.paused ? (
          <Text>
            {'  '}
            <Text inverse color="yellow">
              {' PAUSED '}
            </Text>
          </Text>
        ) : null}
        {down.map(([url, r]) => (
          <Text key={url} color="red">
            {'  '}receiver {session.targets.length > 1 ? `${shortUrl(url)} ` : ''}down: {r.error ?? 'not answering'} ({r.held} held)
          </Text>
        ))}
      </Text>
      <ActivityLine view={view} />
    </Box>
  );
}
