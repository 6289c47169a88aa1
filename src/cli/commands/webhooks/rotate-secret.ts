import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, withApi } from '../shared.js';

export function registerWebhooksRotate(parent: CommandUnknownOpts): void {
  parent
    .command('rotate-secret')
    .argument('<id>', 'endpoint id (we_…)')
    .description('replace an endpoint\'s signing secret; prints the new one once')
    .option('--json', 'print the endpoint (with the new secret) as JSON')
    .addHelpText('after', examples('propitbox webhooks rotate-secret we_123', '# update WEBHOOK_SECRET in your app right after: old signatures stop verifying'))
    .action(async (id, opts, cmd) => {
      const e = await withApi(cmd, (a) => a.webhooks.rotateSecret(id));
      const { printJson, printText, note } = await import('../../../output/print.js');
      if (opts.json) return printJson(e);
      printText(`Rotated the signing secret of ${e.id}`);
      if (e.secret) {
        const { secretNotice } = await import('../../../output/format-endpoints.js');
        const s = secretNotice(e.secret);
        printText(s.stdout);
        note(s.stderr);
      }
    });
}
