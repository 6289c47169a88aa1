import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, parseEventPatterns, show, withApi } from '../shared.js';
import { UsageError } from '../../../errors.js';
import type { EndpointInput } from '../../../api/resources.js';

export function registerWebhooksUpdate(parent: CommandUnknownOpts): void {
  parent
    .command('update')
    .argument('<id>', 'endpoint id (we_…)')
    .description('change an endpoint\'s URL, event types or description')
    .option('--url <url>', 'new URL (http:// or https://)')
    .option('--events <types>', 'new comma list of event types / wildcards, repeatable (replaces the old list)', parseEventPatterns)
    .option('--description <text>', 'new description ("" clears it)')
    .option('--json', 'print the updated endpoint as JSON')
    .addHelpText('after', examples("propitbox webhooks update we_123 --events 'maintenance.task.*'", 'propitbox webhooks update we_123 --url https://staging.yourapp.com/webhooks/pro-pitbox'))
    .action(async (id, opts, cmd) => {
      const patch: EndpointInput = {};
      if (opts.url !== undefined) {
        const { assertHttpUrl } = await import('../../../api/url.js');
        assertHttpUrl(opts.url, '--url');
        patch.url = opts.url;
      }
      if (opts.events) patch.events = opts.events;
      if (opts.description !== undefined) patch.description = opts.description === '' ? null : opts.description;
      if (!Object.keys(patch).length) throw new UsageError('Nothing to update: pass --url, --events or --description');
      const updated = await withApi(cmd, (a) => a.webhooks.update(id, patch));
      await show(opts.json, updated, async (e) => `Updated ${e.id}\n` + (await import('../../../output/format-endpoints.js')).endpointDetail(e));
    });
}
