import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { intOption } from '../../program.js';
import { UsageError } from '../../../errors.js';
import { parseDuration } from '../../../util/duration.js';
import { examples, show } from '../shared.js';
import { withRelay } from './index.js';

export function registerIngestCreate(parent: CommandUnknownOpts): void {
  parent
    .command('create')
    .description('make an ingest channel: a public URL that stores whatever is sent to it')
    .option('--description <text>', 'a note for yourself')
    .option('--status <code>', 'the status senders get (200-299; default 202)', intOption('--status', 200, 299))
    .option('--response-body <text>', 'the body senders get (default {"id":"req_…"})')
    .option('--wait-for-response', "hold each request until your local app answered (via listen) and pass that answer on; 504 after --wait-timeout")
    .option('--wait-timeout <duration>', 'with --wait-for-response: how long (100ms to 10s; default 10s)')
    .option('--rate-limit <n>', 'requests per second before 429 (default 100, bursts of 1000)', intOption('--rate-limit', 1, 100_000))
    .option('--json', 'print the channel as JSON')
    .addHelpText('after', examples('propitbox ingest create --description "RCManager -> laptop"', 'propitbox ingest create --status 200 --response-body OK', 'propitbox ingest create --json | jq -r .url'))
    .action(async (opts, cmd) => {
      let waitMs: number | undefined;
      if (opts.waitTimeout !== undefined) {
        const ms = parseDuration(opts.waitTimeout);
        if (ms === null || ms < 100 || ms > 10_000) throw new UsageError(`--wait-timeout must be from 100ms to 10s, got '${opts.waitTimeout}'`);
        waitMs = Math.round(ms);
      }
      const input = {
        description: opts.description,
        response: opts.status !== undefined || opts.responseBody !== undefined ? { status: opts.status, body: opts.responseBody } : undefined,
        wait_for_response: opts.waitForResponse,
        wait_timeout_ms: waitMs,
        rate_limit_per_second: opts.rateLimit,
      };
      const created = await withRelay(cmd, (api) => api.create(input));
      await show(opts.json, created, async (c) => `Created ${c.id}\n` + (await import('../../../output/format-ingest.js')).channelDetail(c));
    });
}
