import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, show } from '../shared.js';
import { withRelay } from './index.js';

export function registerIngestRotate(parent: CommandUnknownOpts): void {
  parent
    .command('rotate-url')
    .argument('<id>', 'channel id (ich_…)')
    .description('give a channel a new URL; the old one answers 410 Gone from now on')
    .option('--json', 'print the channel as JSON')
    .addHelpText('after', examples('propitbox ingest rotate-url ich_123', '# then update the sender (and `--register` endpoints) with the new URL'))
    .action(async (id, opts, cmd) => {
      const channel = await withRelay(cmd, (api) => api.rotateUrl(id));
      await show(opts.json, channel, async (c) => `New URL for ${c.id} (the old one now answers 410):\n` + (await import('../../../output/format-ingest.js')).channelDetail(c));
    });
}
