import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, listOptions, showPage, withApi } from '../shared.js';

export function registerWebhooksList(parent: CommandUnknownOpts): void {
  listOptions(parent.command('list').alias('ls').description('list webhook endpoints, newest first'))
    .addHelpText('after', examples('propitbox webhooks list', 'propitbox webhooks list --json | jq -r ".data[].id"'))
    .action(async (opts, cmd) => {
      const page = await withApi(cmd, (a) => a.webhooks.list({ limit: opts.limit, starting_after: opts.startingAfter }));
      await showPage(opts.json, page, async (rows) => (await import('../../../output/format-endpoints.js')).endpointsTable(rows));
    });
}
