import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, parseEventPatterns, withApi } from '../shared.js';
import { UsageError } from '../../../errors.js';

export function registerWebhooksCreate(parent: CommandUnknownOpts): void {
  parent
    .command('create')
    .description('add a webhook endpoint; prints its signing secret once')
    .requiredOption('--url <url>', 'where to POST events (http:// or https://)')
    .requiredOption('--events <types>', 'comma list of event types, category wildcards (vehicle.*) or *', parseEventPatterns)
    .option('--description <text>', 'a note for yourself')
    .option('--disabled', 'create it disabled')
    .option('--json', 'print the created endpoint (with its secret) as JSON')
    .addHelpText(
      'after',
      examples(
        'propitbox webhooks create --url https://yourapp.com/webhooks/pro-pitbox --events vehicle.created,vehicle.updated,maintenance.task.created --description "Production webhook endpoint"',
        "propitbox webhooks create --url http://localhost:3000/webhooks/pro-pitbox --events 'vehicle.*,maintenance.task.*,parts.inventory.low'",
        '# the secret is shown only here (and by rotate-secret); store it as your app\'s WEBHOOK_SECRET',
      ),
    )
    .action(async (opts, cmd) => {
      const { assertHttpUrl } = await import('../../../api/url.js');
      assertHttpUrl(opts.url, '--url');
      if (opts.description !== undefined && opts.description.length > 1000) throw new UsageError('--description is limited to 1000 characters');
      const created = await withApi(cmd, async (a) => {
        const e = await a.webhooks.create({ url: opts.url, events: opts.events, description: opts.description });
        return opts.disabled ? { ...(await a.webhooks.disable(e.id)), secret: e.secret } : e;
      });
      const { printJson, printText, note } = await import('../../../output/print.js');
      if (opts.json) return printJson(created);
      const { endpointDetail, secretNotice } = await import('../../../output/format-endpoints.js');
      printText(`Created ${created.id}\n` + endpointDetail(created));
      if (created.secret) {
        const s = secretNotice(created.secret);
        printText(s.stdout);
        note(s.stderr);
      }
    });
}
