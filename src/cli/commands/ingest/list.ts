import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, listOptions, showPage } from '../shared.js';
import { withRelay } from './index.js';

export function registerIngestList(parent: CommandUnknownOpts): void {
  listOptions(parent.command('list').alias('ls').description('list ingest channels and their URLs, newest first'))
    .addHelpText('after', examples('propitbox ingest list', 'propitbox ingest list --json | jq -r ".data[].url"'))
    .action(async (opts, cmd) => {
      const page = await withRelay(cmd, (api) => api.list({ limit: opts.limit, starting_after: opts.startingAfter }));
      await showPage(opts.json, page, async (rows) => (await import('../../../output/format-ingest.js')).channelsTable(rows));
    });
}
