import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, show, withApi } from '../shared.js';

export function registerWebhooksDelete(parent: CommandUnknownOpts): void {
  parent
    .command('delete')
    .alias('rm')
    .argument('<id>', 'endpoint id (we_…)')
    .description('delete an endpoint (its pending deliveries stop)')
    .option('--json', 'print the API answer as JSON')
    .addHelpText('after', examples('propitbox webhooks delete we_123'))
    .action(async (id, opts, cmd) => {
      const res = await withApi(cmd, (a) => a.webhooks.delete(id));
      await show(opts.json, res, (r) => `Deleted ${r?.id ?? id}`);
    });
}
