// `propitbox deliveries …`: the docs' "Event Logs": recent deliveries, response codes, payloads,
// failures, and manual retry.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, group, listOptions, parseDeliveryStatus, show, showPage, withApi } from '../shared.js';
import { isEventType } from '../../../domain/event-types.js';
import { UsageError } from '../../../errors.js';
import type { DeliveryFilter } from '../../../api/resources.js';


export function registerDeliveries(program: CommandUnknownOpts): void {
  const dl = group(program, 'deliveries', 'the event log: every delivery attempt, its response, and retry');
  dl.addHelpText('after', examples('propitbox deliveries list --status failed', 'propitbox deliveries get dlv_123', 'propitbox deliveries retry dlv_123'));
  listOptions(
    dl
      .command('list')
      .alias('ls')
      .description('list recent deliveries, newest first')
      .option('--endpoint <id>', 'only to this endpoint (we_…)')
      .option('--session <id>', 'only to this listen session (ls_…)')
      .option('--status <status>', 'only pending | succeeded | failed', parseDeliveryStatus)
      .option('--event <id|type>', 'only for this event id (evt_…), or this event type'),
  )
    .addHelpText(
      'after',
      examples('propitbox deliveries list --status failed', 'propitbox deliveries list --event evt_1a2b3c4d5e --json', 'propitbox deliveries list --endpoint we_123 --event parts.inventory.low'),
    )
    .action(async (opts, cmd) => {
      // Every filter runs on the server, so a page is never a filtered subset of a bigger one.
      const byType = opts.event && isEventType(opts.event) ? opts.event : undefined;
      if (opts.event && !byType && !opts.event.startsWith('evt_')) throw new UsageError(`--event expects an event id (evt_…) or an event type, got '${opts.event}'`);
      const filter: DeliveryFilter = { limit: opts.limit, starting_after: opts.startingAfter, endpoint_id: opts.endpoint, session_id: opts.session, status: opts.status };
      if (byType) filter.event_type = byType;
      else filter.event_id = opts.event;
      const page = await withApi(cmd, (a) => a.deliveries.list(filter));
      await showPage(opts.json, page, async (rows) => (await import('../../../output/format-deliveries.js')).deliveriesTable(rows));
    });

  dl.command('get')
    .argument('<id>', 'delivery id (dlv_…)')
    .description('show one delivery with every attempt: request headers, response code, headers and body')
    .option('--json', 'print the delivery (with attempts) as JSON')
    .addHelpText('after', examples('propitbox deliveries get dlv_123', 'propitbox deliveries get dlv_123 --json | jq ".attempts[-1].response_body"'))
    .action(async (id, opts, cmd) => {
      const d = await withApi(cmd, (a) => a.deliveries.get(id));
      await show(opts.json, d, async (v) => (await import('../../../output/format-deliveries.js')).deliveryDetail(v));
    });

  dl.command('retry')
    .argument('<id>', 'delivery id (dlv_…)')
    .description('retry a delivery by hand (one more attempt; refused while it is still pending)')
    .option('--json', 'print the delivery as JSON')
    .addHelpText('after', examples('propitbox deliveries retry dlv_123', 'propitbox deliveries list --status failed --json | jq -r ".data[].id" | xargs -n1 propitbox deliveries retry'))
    .action(async (id, opts, cmd) => {
      const d = await withApi(cmd, (a) => a.deliveries.retry(id));
      await show(opts.json, d, () => `Retrying ${d.id} (${d.event_type} ${d.event_id} -> ${d.url}): now ${d.status}; check with \`propitbox deliveries get ${d.id}\``);
    });
}
