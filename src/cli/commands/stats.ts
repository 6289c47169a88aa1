// `propitbox stats`: delivery health over a time window, from GET /v1/stats: a table of time slices
// (delivered / retried / failed attempts and latency) and unicode sparklines; --json is the API object.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, show, withApi } from './shared.js';
import { UsageError } from '../../errors.js';
import { isEventType, unknownTypeMessage } from '../../domain/event-types.js';
import { parseDuration } from '../../util/duration.js';

/** The table stays short: at most this many rows unless --bucket asks for more. */
const TABLE_ROWS = 15;
const MAX_WINDOW_MS = 30 * 86_400_000;

function durationFlag(flag: string, min: number, max: number) {
  return (value: string): string => {
    const v = parseDuration(value);
    if (v === null || v < min || v > max) throw new UsageError(`${flag} must be a duration from ${min / 1000}s to 30d (e.g. 15m, 1h, 24h), got '${value}'`);
    return value.trim();
  };
}

function idFlag(flag: string, prefix: string, what: string) {
  return (value: string): string => {
    if (!value.startsWith(prefix)) throw new UsageError(`${flag} expects ${what} id (${prefix}…), got '${value}'`);
    return value;
  };
}

function eventTypeFlag(value: string): string {
  if (!isEventType(value)) throw new UsageError(unknownTypeMessage(value, false));
  return value;
}

export function registerStats(program: CommandUnknownOpts): void {
  program
    .command('stats')
    .description('delivery health over time: delivered, retried and failed attempts and their latency')
    .option('--endpoint <id>', 'only deliveries to this endpoint (we_…)', idFlag('--endpoint', 'we_', 'an endpoint'))
    .option('--session <id>', 'only deliveries to this listen session (ls_…)', idFlag('--session', 'ls_', 'a listen session'))
    .option('--event-type <type>', 'only events of this type', eventTypeFlag)
    .option('--window <duration>', 'how far back to look (1s to 30d)', durationFlag('--window', 1000, MAX_WINDOW_MS), '1h')
    .option('--bucket <duration>', 'size of each table row (default: about 15 rows; at most 500)', durationFlag('--bucket', 1000, MAX_WINDOW_MS))
    .option('--json', 'print the API object (GET /v1/stats) as JSON')
    .addHelpText(
      'after',
      examples(
        'propitbox stats',
        'propitbox stats --endpoint we_123 --window 24h',
        'propitbox stats --window 15m --bucket 1m --json | jq ".total"',
        '# delivered = 2xx; retried = failed and retried by the emulator; failed = failed for good',
      ),
    )
    .action(async (opts, cmd) => {
      if (opts.endpoint && opts.session) throw new UsageError('Give --endpoint or --session, not both (a delivery goes to one of them)');
      const filters = { endpoint: opts.endpoint, session: opts.session, event_type: opts.eventType, window: opts.window };
      const { stats } = await import('../../api/stats.js');
      if (opts.json) {
        const s = await withApi(cmd, (a) => stats(a.client).get({ ...filters, bucket: opts.bucket }));
        return show(true, s, () => '');
      }
      const { niceBucket } = await import('../../domain/stats-buckets.js');
      const bucket = opts.bucket ?? niceBucket(parseDuration(opts.window)!, TABLE_ROWS)[0];
      // The sparklines use the API's default bucket (about 60 bars): finer than the table.
      const [table, spark] = await withApi(cmd, (a) => Promise.all([stats(a.client).get({ ...filters, bucket }), stats(a.client).get(filters)]));
      const { statsView } = await import('../../output/format-stats.js');
      await show(false, table, () => statsView(table, spark));
    });
}
