// One line per top-level command. Each register() declares flags/help only; heavy code loads in the action.
import type { Command } from 'commander';
import { registerDev } from './dev.js';
import { registerLogin } from './login.js';
import { registerConfig } from './config/index.js';
import { registerWebhooks } from './webhooks/index.js';
import { registerEvents } from './events/index.js';
import { registerWebhooksListen } from './webhooks/listen.js';
import { registerEventsReplay } from './events/replay.js';
import { registerDeliveries } from './deliveries/index.js';
import { registerTrigger } from './trigger/index.js';
import { registerFixtures } from './fixtures/index.js';
import { registerVerify } from './verify.js';
import { registerCompletion } from './completion/index.js';

export function registerCommands(program: Command): void {
  registerLogin(program);
  registerConfig(program);
  registerDev(program);
  registerWebhooks(program);
  registerEvents(program);
  registerWebhooksListen(program);
  registerEventsReplay(program);
  registerDeliveries(program);
  registerTrigger(program);
  registerFixtures(program);
  registerVerify(program);
  registerCompletion(program); // last: it describes the tree the others built
  void program;
}
