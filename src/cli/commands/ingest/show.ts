import type { Command } from 'commander';
import { examples, show } from '../shared.js';
import { withRelay } from './index.js';

export function registerIngestShow(parent: Command): void {
  parent
    .command('show')
    .argument('<request>', 'request id (req_…)')
    .description('one received request: every header pair as sent, and the body (text, or hex for binary)')
    .option('--json', 'print it as JSON (body as base64)')
    .option('--body', 'write only the exact body bytes to stdout')
    .addHelpText('after', examples('propitbox ingest show req_123', 'propitbox ingest show req_123 --body > payload.bin'))
    .action(async (id: string, opts: { json?: boolean; body?: boolean }, cmd: Command) => {
      const r = await withRelay(cmd, (api) => api.request(id));
      if (opts.body) return void process.stdout.write(Buffer.from(r.body_base64, 'base64'));
      await show(opts.json, r, async (x) => (await import('../../../output/format-ingest.js')).requestDetail(x));
    });
}
