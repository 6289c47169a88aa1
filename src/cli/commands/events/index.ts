// `propitbox events …`: the event log (list, get, resend). `events replay` is registered by its own module.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, group, listOptions, parseDeliveryStatus, show, showPage, withApi } from '../shared.js';
import { isEventType, unknownTypeMessage } from '../../../domain/event-types.js';
import { UsageError } from '../../../errors.js';

export function eventsGroup(program: CommandUnknownOpts): CommandUnknownOpts {
  return group(program, 'events', 'inspect sent events and resend them');
}

function parseType(value: string): string {
  if (!isEventType(value)) throw new UsageError(unknownTypeMessage(value, false));
  return value;
}

export function registerEvents(program: CommandUnknownOpts): void {
  const ev = eventsGroup(program);
  ev.addHelpText('after', examples('propitbox events list --type maintenance.task.created', 'propitbox events get evt_1a2b3c4d5e --json', 'propitbox events resend evt_1a2b3c4d5e'));
  listOptions(
    ev
      .command('list')
      .alias('ls')
      .description('list recent events, newest first')
      .option('--type <type>', 'only this event type', parseType)
      .option('--endpoint <id>', 'only events with a delivery to this endpoint (we_…)')
      .option('--session <id>', 'only events with a delivery to this listen session (ls_…)')
      .option('--status <status>', 'only events with a delivery in this state: pending | succeeded | failed', parseDeliveryStatus),
  )
    .addHelpText('after', examples('propitbox events list', 'propitbox events list --type maintenance.task.created --json', 'propitbox events list --endpoint we_123 --status failed'))
    .action(async (opts, cmd) => {
      const page = await withApi(cmd, (a) => a.events.list({ limit: opts.limit, starting_after: opts.startingAfter, type: opts.type, endpoint_id: opts.endpoint, session_id: opts.session, status: opts.status }));
      await showPage(opts.json, page, async (rows) => (await import('../../../output/format-events.js')).eventsTable(rows));
    });

  ev.command('get')
    .argument('<id>', 'event id (evt_…)')
    .description('show one event and its payload')
    .option('--json', 'print the event exactly as receivers get it')
    .addHelpText('after', examples('propitbox events get evt_1a2b3c4d5e', 'propitbox events get evt_1a2b3c4d5e --json | jq .data'))
    .action(async (id, opts, cmd) => {
      const e = await withApi(cmd, (a) => a.events.get(id));
      await show(opts.json, e, async (v) => (await import('../../../output/format-events.js')).eventDetail(v));
    });

  ev.command('resend')
    .argument('<id>', 'event id (evt_…)')
    .description('send an event again (same id and bytes) to its matching endpoints, or to one')
    .option('--endpoint <id>', 'only to this endpoint (we_…)')
    .option('--json', 'print the new deliveries as JSON')
    .addHelpText('after', examples('propitbox events resend evt_1a2b3c4d5e', 'propitbox events resend evt_1a2b3c4d5e --endpoint we_123'))
    .action(async (id, opts, cmd) => {
      const res = await withApi(cmd, (a) => a.events.resend(id, opts.endpoint));
      const { printJson, printText, note } = await import('../../../output/print.js');
      if (opts.json) return printJson(res);
      const n = res.deliveries.length;
      printText(`Resent ${id}: ${n} ${n === 1 ? 'delivery' : 'deliveries'}${n ? ` (${res.deliveries.map((d) => d.id).join(', ')})` : ''}`);
      if (!n) note('No enabled endpoint subscribes to this event\'s type.');
    });
}
