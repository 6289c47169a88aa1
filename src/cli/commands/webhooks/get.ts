import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, show, withApi } from '../shared.js';

export function registerWebhooksGet(parent: CommandUnknownOpts): void {
  parent
    .command('get')
    .argument('<id>', 'endpoint id (we_…)')
    .description('show one webhook endpoint')
    .option('--show-secret', 'also fetch and print its signing secret')
    .option('--json', 'print the endpoint as JSON')
    .addHelpText('after', examples('propitbox webhooks get we_123', 'propitbox webhooks get we_123 --show-secret --json | jq -r .secret'))
    .action(async (id, opts, cmd) => {
      const endpoint = await withApi(cmd, async (a) => {
        const e = await a.webhooks.get(id);
        return opts.showSecret ? { ...e, secret: (await a.webhooks.secret(id)).secret } : e;
      });
      await show(opts.json, endpoint, async (e) => (await import('../../../output/format-endpoints.js')).endpointDetail(e, { secret: e.secret }));
    });
}
