import type { Command } from 'commander';
import { examples, listOptions, showPage, withApi } from '../shared.js';

export function registerWebhooksList(parent: Command): void {
  listOptions(parent.command('list').alias('ls').description('list webhook endpoints, newest first'))
    .addHelpText('after', examples('propitbox webhooks list', 'propitbox webhooks list --json | jq -r ".data[].id"'))
    .action(async (opts: { limit: number; startingAfter?: string; json?: boolean }, cmd: Command) => {
      const page = await withApi(cmd, (a) => a.webhooks.list({ limit: opts.limit, starting_after: opts.startingAfter }));
      await showPage(opts.json, page, async (rows) => (await import('../../../output/format-endpoints.js')).endpointsTable(rows));
    });
}
