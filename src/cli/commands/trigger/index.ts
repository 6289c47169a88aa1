// `propitbox trigger TYPE`: build an event from its fixture and send it through the API (to every
// matching endpoint and listen session) or, with --forward-to, straight to a local app.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { collect, examples, globals, withApi } from '../shared.js';
import { intOption } from '../../program.js';
import { parseTimeout } from './report.js';
import { UsageError } from '../../../errors.js';
import { MAX_REQUEST_BODY_BYTES } from '../../../contract/v1.js';
import { formatSize } from '../../../util/size.js';

export function registerTrigger(program: CommandUnknownOpts): void {
  program
    .command('trigger')
    .argument('[type]', 'event type (see `propitbox fixtures list`); optional with a --fixture that names its type')
    .description('send a test event built from a fixture, through the API or straight to your app')
    .option('--override <path=value>', 'change a field that exists in the fixture (repeatable); value is JSON if it parses, else a string', collect, [])
    .option('--add <path=value>', 'add a field that is not in the fixture (repeatable)', collect, [])
    .option('--remove <path>', 'remove a field (repeatable)', collect, [])
    .option('--fixture <file>', 'use your own fixture file ({"type","data"} or just the data object)')
    .option('--count <n>', 'send N events, each with fresh ids', intOption('--count', 1, 1000), 1)
    .option('--keep-ids', "send a --fixture file's ids as they are (default: fresh ids per send; the API refuses an event id twice)")
    .option('--wait', 'wait until every delivery is final and print the outcomes (exit 1 if any failed); listen sessions with no client connected are skipped')
    .option('--wait-all', 'like --wait, but also wait for listen sessions that have no client connected')
    .option('--timeout <duration>', 'with --wait: give up after this long (default 30s); with --forward-to: for the whole answer of each request', parseTimeout)
    .option('--forward-to <url>', 'skip the API: sign the event and POST it to this URL (CI without a server)')
    .option('--secret <secret>', 'signing secret for --forward-to (default: env PROPITBOX_WEBHOOK_SECRET, then the profile\'s listen secret)')
    .option('--json', 'print {"events":[…],"deliveries":[…]} on stdout (plus "timed_out" with --wait)')
    .addHelpText(
      'after',
      examples(
        'propitbox trigger maintenance.task.created',
        'propitbox trigger maintenance.task.created --override data.task.type=tire_change --wait',
        'propitbox trigger parts.inventory.low --override data.quantity=0 --add data.part.supplier=AMain',
        'propitbox trigger vehicle.created --fixture ./my-vehicle.json --count 5',
        'propitbox trigger maintenance.task.created --forward-to http://localhost:3000/webhooks/pro-pitbox --secret "$WEBHOOK_SECRET"',
        '# --forward-to exits 0 only when your app answers 2xx; a receiver that is down is exit 1',
      ),
    )
    .action(async (type, opts, cmd) => {
      if (opts.secret && !opts.forwardTo) throw new UsageError('--secret only applies with --forward-to (deliveries through the API are signed by the API)');
      const { eventBuilder } = await import('../../../fixtures/build.js');
      if (opts.keepIds && !opts.fixture) throw new UsageError('--keep-ids applies to a --fixture file (bundled fixtures always get fresh ids)');
      const builder = eventBuilder({ type, fixtureFile: opts.fixture, overrides: opts.override, adds: opts.add, removes: opts.remove, keepIds: opts.keepIds });
      if (opts.waitAll) opts.wait = true;
      if (opts.forwardTo) {
        if (opts.wait) throw new UsageError('--wait applies to deliveries through the API; --forward-to already waits for your app\'s answer');
        const { assertHttpUrl } = await import('../../../api/url.js');
        assertHttpUrl(opts.forwardTo, '--forward-to');
        const { resolveConfig } = await import('../../../config/resolve.js');
        const g = globals(cmd);
        const { forwardOnce } = await import('../../../services/forward-once.js');
        const { createForwardReporter } = await import('../../../output/forward-report.js');
        const profileSecret = opts.secret ? undefined : resolveConfig({ profile: g.profile }).profile.listen_secret;
        // --json: the same {"events","deliveries"} shape as through the API; a delivery is the POST's outcome.
        const events: ReturnType<typeof builder.build>[] = [];
        const build = () => {
          const e = builder.build();
          events.push(e);
          return e;
        };
        const report = createForwardReporter({ json: opts.json, document: (deliveries) => ({ events, deliveries }) });
        return forwardOnce(build, { url: opts.forwardTo, secret: opts.secret, profileSecret, count: opts.count, timeoutMs: opts.timeout ?? 30_000 }, report);
      }
      await withApi(cmd, async (a) => {
        const { reportSent, partialSendError } = await import('./report.js');
        const sent = [];
        for (let i = 0; i < opts.count; i++) {
          const e = builder.build();
          checkEventSize(e, opts.fixture);
          try {
            sent.push(await a.events.create({ type: e.type, data: e.data, id: e.id, created: e.created }));
          } catch (err) {
            // What was sent before the failure was sent: say so, in the usual shape, before the error.
            throw await partialSendError(sent, opts.count, err, opts.json);
          }
        }
        await reportSent(a, sent, { wait: opts.wait, waitAll: opts.waitAll, timeoutMs: opts.timeout ?? 30_000, json: opts.json });
      });
    });
}

/** The API takes at most 1 MiB per request: say so, naming the fixture, before anything is sent. */
function checkEventSize(e: { type: string; data: unknown; id?: string; created?: string }, fixture: string | undefined): void {
  const bytes = Buffer.byteLength(JSON.stringify({ type: e.type, data: e.data, id: e.id, created: e.created }));
  if (bytes <= MAX_REQUEST_BODY_BYTES) return;
  const what = fixture ? `Fixture ${fixture} makes` : 'The fixture with your --override/--add values makes';
  throw new UsageError(`${what} an event of ${formatSize(bytes)} (${bytes} bytes): the API accepts at most 1 MiB (${MAX_REQUEST_BODY_BYTES} bytes) per request`, 'make it smaller; nothing was sent');
}
