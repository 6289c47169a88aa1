// `propitbox webhooks …`: endpoint management. `webhooks listen` is registered by its own module.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, group } from '../shared.js';
import { registerWebhooksList } from './list.js';
import { registerWebhooksCreate } from './create.js';
import { registerWebhooksGet } from './get.js';
import { registerWebhooksUpdate } from './update.js';
import { registerWebhooksDelete } from './delete.js';
import { registerWebhooksToggle } from './toggle.js';
import { registerWebhooksRotate } from './rotate-secret.js';
import { registerWebhooksTest } from './test.js';

export function webhooksGroup(program: CommandUnknownOpts): CommandUnknownOpts {
  return group(program, 'webhooks', 'manage webhook endpoints (Settings -> Webhooks) and forward live events');
}

export function registerWebhooks(program: CommandUnknownOpts): void {
  const w = webhooksGroup(program);
  w.addHelpText('after', examples(
    "propitbox webhooks create --url https://yourapp.com/webhooks/pro-pitbox --events 'vehicle.*,maintenance.task.*'",
    'propitbox webhooks list',
    'propitbox webhooks test we_123 maintenance.task.created --wait',
    'propitbox webhooks listen --forward-to http://localhost:3000/webhooks/pro-pitbox',
  ));
  registerWebhooksList(w);
  registerWebhooksCreate(w);
  registerWebhooksGet(w);
  registerWebhooksUpdate(w);
  registerWebhooksDelete(w);
  registerWebhooksToggle(w);
  registerWebhooksRotate(w);
  registerWebhooksTest(w);
}
