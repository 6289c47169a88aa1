// Human views of events and of "event sent -> N deliveries" results.
import type { CreateEventResponse, Delivery, WebhookEvent } from '../contract/v1.js';
import { colors } from './color.js';
import { renderFields, renderTable } from './table.js';
import { relativeTime } from './time.js';
import { now as clock } from '../util/io.js';

export function eventsTable(list: WebhookEvent[], now = clock()): string {
  return renderTable(
    [{ header: 'ID' }, { header: 'TYPE' }, { header: 'CREATED' }],
    list.map((e) => [e.id, e.type, relativeTime(e.created, now)]),
    { empty: 'No events yet: send one with `propitbox trigger maintenance.task.created`' },
  );
}

export function eventDetail(e: WebhookEvent, now = clock()): string {
  return renderFields([
    ['id', e.id],
    ['type', e.type],
    ['created', `${e.created} (${relativeTime(e.created, now)})`],
  ]) + 'data:\n' + JSON.stringify(e.data, null, 2) + '\n';
}

/** "Sent maintenance.task.created evt_… to 2 endpoint(s)/session(s)". */
export function sentLine(r: CreateEventResponse): string {
  const c = colors();
  const n = r.deliveries.length;
  return `Sent ${c.bold(r.event.type)} ${r.event.id}: ${n} ${n === 1 ? 'delivery' : 'deliveries'}${n ? ` (${targets(r.deliveries)})` : ''}`;
}

function targets(ds: Delivery[]): string {
  return ds.map((d) => d.endpoint_id ?? d.session_id ?? d.url).join(', ');
}

export const NO_SUBSCRIBER_HINT =
  'No endpoint or listen session subscribes to this type: add one with `propitbox webhooks create --url URL --events TYPE` or run `propitbox webhooks listen --forward-to URL`';
