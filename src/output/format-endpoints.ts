// Human views of webhook endpoints. Secrets appear only when the caller passes one in.
import type { Endpoint } from '../contract/v1.js';
import { colors, paintState } from './color.js';
import { renderFields, renderTable } from './table.js';
import { relativeTime } from './time.js';
import { now as clock } from '../util/io.js';

export function endpointsTable(list: Endpoint[], now = clock()): string {
  return renderTable(
    [{ header: 'ID' }, { header: 'STATUS' }, { header: 'URL', max: 60 }, { header: 'EVENTS', max: 50 }, { header: 'CREATED' }],
    list.map((e) => [e.id, paintState(e.status), e.url, e.events.join(','), relativeTime(e.created, now)]),
    { empty: 'No webhook endpoints yet: create one with `propitbox webhooks create --url URL --events TYPES`' },
  );
}

export function endpointDetail(e: Endpoint, opts: { secret?: string; now?: number } = {}): string {
  const fields: [string, string][] = [
    ['id', e.id],
    ['url', e.url],
    ['status', paintState(e.status)],
    ['events', e.events.join(', ')],
    ['description', e.description ?? '-'],
    ['created', `${e.created} (${relativeTime(e.created, opts.now)})`],
    ['updated', `${e.updated} (${relativeTime(e.updated, opts.now)})`],
  ];
  if (opts.secret) fields.push(['secret', opts.secret]);
  return renderFields(fields);
}

/** The secret is shown in full exactly once (create / rotate): say so, on stderr, next to it. */
export function secretNotice(secret: string): { stdout: string; stderr: string } {
  const c = colors();
  return {
    stdout: `Signing secret: ${secret}\n`,
    stderr: c.yellow('Store this secret now (e.g. WEBHOOK_SECRET in your app\'s .env): it is not shown again unless you run `propitbox webhooks get ID --show-secret`.') + '\n',
  };
}
