import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, listOptions, showPage } from '../shared.js';
import { withRelay } from './index.js';

export function registerIngestRequests(parent: CommandUnknownOpts): void {
  listOptions(parent.command('requests').argument('<id>', 'channel id (ich_…)').description('what a channel received, newest first, and how each was forwarded'))
    .addHelpText('after', examples('propitbox ingest requests ich_123', 'propitbox ingest requests ich_123 --json | jq -r ".data[] | select(.status == \\"pending\\") | .id"'))
    .action(async (id, opts, cmd) => {
      const page = await withRelay(cmd, (api) => api.requests(id, { limit: opts.limit, starting_after: opts.startingAfter }));
      await showPage(opts.json, page, async (rows) => (await import('../../../output/format-ingest.js')).requestsTable(rows));
    });
}
