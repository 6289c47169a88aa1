import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, withApi } from '../shared.js';
import { parseTimeout, reportSent } from '../trigger/report.js';

export function registerWebhooksTest(parent: CommandUnknownOpts): void {
  parent
    .command('test')
    .argument('<id>', 'endpoint id (we_…)')
    .argument('[type]', 'event type to send (default maintenance.task.created)')
    .description('"Send Test Event": send a fixture event to this endpoint only')
    .option('--type <type>', 'event type (same as the [type] argument)')
    .option('--wait', 'wait for the delivery to finish and print its outcome (exit 1 if it failed)')
    .option('--timeout <duration>', 'with --wait: give up after this long, e.g. 30s or 2m (default 30s)', parseTimeout)
    .option('--json', 'print the API answer as JSON')
    .addHelpText('after', examples('propitbox webhooks test we_123', 'propitbox webhooks test we_123 parts.inventory.low --wait'))
    .action(async (id, typeArg, opts, cmd) => {
      const { eventBuilder } = await import('../../../fixtures/build.js');
      const builder = eventBuilder({ type: opts.type ?? typeArg ?? 'maintenance.task.created' });
      const event = builder.build();
      await withApi(cmd, async (a) => {
        const res = await a.webhooks.test(id, event.type, event.data);
        await reportSent(a, [res], { wait: opts.wait, timeoutMs: opts.timeout ?? 30_000, json: opts.json });
      });
    });
}
