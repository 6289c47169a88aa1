import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, parseEventPatterns, withApi } from '../shared.js';
import { UsageError } from '../../../errors.js';
import type { Api } from '../../../api/connect.js';
import type { Endpoint } from '../../../contract/v1.js';

export function registerWebhooksCreate(parent: CommandUnknownOpts): void {
  parent
    .command('create')
    .description('add a webhook endpoint; prints its signing secret once')
    .requiredOption('--url <url>', 'where to POST events (http:// or https://)')
    .requiredOption('--events <types>', 'comma list of event types, category wildcards (vehicle.*) or * (repeatable)', parseEventPatterns)
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
      const { created, warnings } = await withApi(cmd, async (a) => {
        const e = await a.webhooks.create({ url: opts.url, events: opts.events, description: opts.description });
        if (opts.disabled) return { created: { ...(await a.webhooks.disable(e.id)), secret: e.secret }, warnings: [] };
        return { created: e, warnings: await forwardersOn(a, e) };
      });
      const { printJson, printText, note } = await import('../../../output/print.js');
      for (const w of warnings) note(`warning: ${w}`);
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

/** A running forwarder on the same URL means every event reaches the app twice: say so now. */
async function forwardersOn(a: Api, e: Endpoint): Promise<string[]> {
  const { duplicateTargetMessage, sameReceiver } = await import('../../../domain/same-url.js');
  try {
    const sessions = (await a.sessions.list()).data.filter((s) => s.connected && s.targets.some((t) => sameReceiver(t, e.url)));
    return sessions.map((s) => duplicateTargetMessage(e.id, e.url, s.id));
  } catch {
    return []; // an API without listen sessions: nothing to compare with
  }
}
