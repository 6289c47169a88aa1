import type { Command } from 'commander';
import { examples, listOptions, moreHint, withApi } from '../shared.js';

export function registerWebhooksList(parent: Command): void {
  listOptions(parent.command('list').alias('ls').description('list webhook endpoints, newest first'))
    .addHelpText('after', examples('propitbox webhooks list', 'propitbox webhooks list --json | jq -r ".data[].id"'))
    .action(async (opts: { limit: number; startingAfter?: string; json?: boolean }, cmd: Command) => {
      const page = await withApi(cmd, (a) => a.webhooks.list({ limit: opts.limit, starting_after: opts.startingAfter }));
      const { printJson, printText, note } = await import('../../../output/print.js');
      if (opts.json) return printJson(page);
      const { endpointsTable } = await import('../../../output/format-endpoints.js');
      printText(endpointsTable(page.data));
      const more = moreHint(page.has_more, page.data.at(-1)?.id);
      if (more) note(more);
    });
}
