import type { Command } from 'commander';
import { examples, show, withApi } from '../shared.js';

export function registerWebhooksDelete(parent: Command): void {
  parent
    .command('delete')
    .alias('rm')
    .argument('<id>', 'endpoint id (we_…)')
    .description('delete an endpoint (its pending deliveries stop)')
    .option('--json', 'print the API answer as JSON')
    .addHelpText('after', examples('propitbox webhooks delete we_123'))
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const res = await withApi(cmd, (a) => a.webhooks.delete(id));
      await show(opts.json, res, (r) => `Deleted ${r?.id ?? id}`);
    });
}
