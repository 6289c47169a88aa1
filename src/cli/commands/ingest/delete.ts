import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, show } from '../shared.js';
import { withRelay } from './index.js';

export function registerIngestDelete(parent: CommandUnknownOpts): void {
  parent
    .command('delete')
    .alias('rm')
    .argument('<id>', 'channel id (ich_…)')
    .description('delete an ingest channel; its URL answers 410 Gone from now on')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples('propitbox ingest delete ich_123'))
    .action(async (id, opts, cmd) => {
      const r = await withRelay(cmd, (api) => api.delete(id));
      await show(opts.json, r, () => `Deleted ${id}\n`);
    });
}
