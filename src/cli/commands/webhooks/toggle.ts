import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, show, withApi } from '../shared.js';

/** `enable` and `disable`: same shape, opposite verb. */
export function registerWebhooksToggle(parent: CommandUnknownOpts): void {
  for (const verb of ['enable', 'disable'] as const) {
    parent
      .command(verb)
      .argument('<id>', 'endpoint id (we_…)')
      .description(verb === 'enable' ? 'resume deliveries to an endpoint' : 'pause deliveries to an endpoint (events are not queued for it)')
      .option('--json', 'print the endpoint as JSON')
      .addHelpText('after', examples(`propitbox webhooks ${verb} we_123`))
      .action(async (id, opts, cmd) => {
        const e = await withApi(cmd, (a) => a.webhooks[verb](id));
        await show(opts.json, e, (v) => `${v.id} is now ${v.status}`);
      });
  }
}
