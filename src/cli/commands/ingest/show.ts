import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, show } from '../shared.js';
import { withRelay } from './index.js';
import { stdout } from '../../../util/io.js';

export function registerIngestShow(parent: CommandUnknownOpts): void {
  parent
    .command('show')
    .argument('<request>', 'request id (req_…)')
    .description('one received request: every header pair as sent, and the body (text, or hex for binary)')
    .option('--json', 'print it as JSON (body as base64)')
    .option('--body', 'write only the exact body bytes to stdout')
    .addHelpText('after', examples('propitbox ingest show req_123', 'propitbox ingest show req_123 --body > payload.bin'))
    .action(async (id, opts, cmd) => {
      const r = await withRelay(cmd, (api) => api.request(id));
      if (opts.body) return void stdout().write(Buffer.from(r.body_base64, 'base64'));
      await show(opts.json, r, async (x) => (await import('../../../output/format-ingest.js')).requestDetail(x));
    });
}
