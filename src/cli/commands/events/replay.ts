// `propitbox events replay EVT_ID`: flags and help; the replay service (src/services/replay.ts) does it.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, globals } from '../shared.js';
import { eventsGroup } from './index.js';
import { parseTimeout } from '../trigger/report.js';

export function registerEventsReplay(program: CommandUnknownOpts): void {
  eventsGroup(program)
    .command('replay')
    .argument('<id>', 'event id (evt_…)')
    .description('re-sign an event with a fresh timestamp and send it to your local app again')
    .option('--forward-to <url>', 'where to POST it (default: where `webhooks listen` last sent it)')
    .option('--secret <secret>', 'signing secret (default: env PROPITBOX_WEBHOOK_SECRET, then the profile\'s listen secret)')
    .option('--timeout <duration>', 'give up when the whole answer is not in after this long (default 30s)', parseTimeout)
    .option('--json', 'print the outcome as JSON')
    .addHelpText(
      'after',
      '\nThe body is found in the local listen history first (<state dir>/history/<profile>.ndjson), so this\nworks after a restart and without the API; otherwise it is fetched with GET /v1/events/:id.\nExit 0 only when the receiver answers 2xx.' +
        examples('propitbox events replay evt_1a2b3c4d5e', 'propitbox events replay evt_1a2b3c4d5e --forward-to http://localhost:3000/webhooks/pro-pitbox --json'),
    )
    .action(async (id, flags, c) => {
      const { resolveConfig } = await import('../../../config/resolve.js');
      const { replayEvent } = await import('../../../services/replay.js');
      const { createForwardReporter } = await import('../../../output/forward-report.js');
      const g = globals(c);
      const config = resolveConfig({ profile: g.profile, apiKey: g.apiKey, apiUrl: g.apiUrl });
      await replayEvent({ id, forwardTo: flags.forwardTo, secret: flags.secret, timeoutMs: flags.timeout, config }, createForwardReporter({ json: flags.json, document: (results) => results[0] }));
    });
}
