// Human view of listen sessions (`propitbox webhooks sessions list`). The secret is never shown here.
import type { ListenSession } from '../contract/v1.js';
import { colors } from './color.js';
import { renderTable } from './table.js';
import { relativeTime } from './time.js';
import { now as clock } from '../util/io.js';

export function sessionsTable(list: ListenSession[], now = clock()): string {
  const c = colors();
  return renderTable(
    [{ header: 'ID' }, { header: 'CLIENT' }, { header: 'FORWARDS TO', max: 50 }, { header: 'EVENTS', max: 30 }, { header: 'WAITING' }, { header: 'KEPT UNTIL' }, { header: 'CREATED' }],
    list.map((s) => [
      s.id,
      s.connected ? c.green('connected') : c.yellow('none'),
      s.targets.join(', ') || '-',
      s.events.join(','),
      String(Math.max(0, s.last_seq - s.acked_seq)),
      s.durable ? 'kept (--keep-session)' : s.expires_at ? `closes ${relativeTime(s.expires_at, now)}` : 'closes on exit',
      relativeTime(s.created, now),
    ]),
    { empty: 'No listen sessions: `propitbox webhooks listen --forward-to URL` opens one' },
  );
}
