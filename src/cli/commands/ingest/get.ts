import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, show } from '../shared.js';
import { withRelay } from './index.js';

export function registerIngestGet(parent: CommandUnknownOpts): void {
  parent
    .command('get')
    .argument('<id>', 'channel id (ich_…)')
    .description('show one ingest channel and its URL')
    .option('--json', 'print the channel as JSON')
    .addHelpText('after', examples('propitbox ingest get ich_123', 'propitbox ingest get ich_123 --json | jq -r .url'))
    .action(async (id, opts, cmd) => {
      const channel = await withRelay(cmd, (api) => api.get(id));
      await show(opts.json, channel, async (c) => (await import('../../../output/format-ingest.js')).channelDetail(c));
    });
}
