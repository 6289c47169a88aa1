// `propitbox dev`: the offline emulator of the RCManager webhooks API. Flags and help only; the
// service (src/services/dev.ts) does the work and is loaded lazily.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { intOption } from '../program.js';
import { UsageError } from '../../errors.js';
import { dataDir } from '../../config/paths.js';
import { DEFAULT_EMULATOR_PORT } from '../../config/resolve.js';
import { env } from '../../util/env.js';
import { currentIo, setExitCode } from '../../util/io.js';
import { allowedHostsOption, ingestMaxBodyOption, publicUrlOption, retryScheduleOption, timeoutOption } from './server-options.js';
import { globals, joinRepeats } from './shared.js';
import { listenOptionsFrom, withListenOptions } from './webhooks/listen.js';

export function registerDev(program: CommandUnknownOpts): void {
  const cmd = program
    .command('dev')
    .description('Run the emulator of the RCManager webhooks API locally: HTTP API, delivery engine with retries, event log')
    .option('--port <n>', `port to listen on (0 picks a free one and prints it)`, intOption('--port', 0, 65535), DEFAULT_EMULATOR_PORT)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data-dir <dir>', 'where the database and API key live (env PROPITBOX_DATA_DIR)')
    .option('--retry-schedule <list>', 'delays between attempts, comma-separated (env PROPITBOX_RETRY_SCHEDULE; default 5s,30s,2m,10m,1h)')
    .option('--timeout <duration>', 'per-attempt timeout (env PROPITBOX_DELIVERY_TIMEOUT; default 30s)')
    .option('--public-url <url>', 'the URL clients use to reach the emulator (a proxy or tunnel): its host is allowed and ws_url uses it (env PROPITBOX_PUBLIC_URL)')
    .option('--allowed-hosts <list>', 'more Host names to answer to, comma-separated, repeatable (.example.com = it and its subdomains); others get 421', joinRepeats)
    .option('--headless', 'for scripts: the ready lines only once the port accepts requests (--json: one line), and exit when the process that started it exits')
    .option('--json', 'print the ready line as JSON')
    .option('--no-profile', "do not save the 'local' profile")
    .option('--ingest-max-body <size>', 'largest body an ingest URL accepts, e.g. 25MiB (env PROPITBOX_INGEST_MAX_BODY; default 10MiB)');
  // --forward-to/--route/--events/--headers/--format/--tui/--concurrency, as in `webhooks listen`.
  withListenOptions(cmd)
    .addHelpText(
      'after',
      `
The first start creates an API key (ppk_test_…) in the data dir; --api-key KEY (or PROPITBOX_API_KEY)
makes the emulator accept that key instead. It saves a 'local' profile (API URL + key) and makes it
current, so every other command works with no flags. Pending deliveries are stored in the database:
stopping (Ctrl-C, SIGTERM) or killing the emulator loses nothing; the next start resumes them.
Stopping takes at most 5 s (a second signal: at once); the status is 130 for Ctrl-C, 143 for SIGTERM.
Requests whose Host is not the bound address, localhost, 127.0.0.1 or [::1] are refused (421, a
DNS-rebinding defence): behind a proxy or tunnel pass --public-url, for other names --allowed-hosts.

Examples:
  $ propitbox dev
  $ propitbox dev --port 0 --headless --json         # CI: {"ready":true,"url":"http://127.0.0.1:PORT",...}
  $ propitbox dev --api-key ppk_test_ci --retry-schedule 100ms,100ms,100ms,100ms,100ms
  $ propitbox dev --forward-to http://localhost:3000/webhooks/pro-pitbox   # emulator + listen in one process`,
    )
    .action(async (flags, c) => {
      // Bad listen flags exit 2 before anything starts. dev's --timeout is the delivery timeout, not listen's.
      const forwarding = flags.forwardTo || flags.route?.length ? await listenOptionsFrom({ ...flags, timeout: undefined }, true) : null;
      const apiKey = globals(c).apiKey ?? env('PROPITBOX_API_KEY');
      // Same rule as `login`: a key with whitespace can never be sent as a Bearer token.
      if (apiKey !== undefined && /\s/.test(apiKey)) throw new UsageError('The API key contains whitespace: pass a key like ppk_test_ci (letters, digits, _ and -)');
      const settings = {
        host: flags.host,
        port: flags.port,
        dataDir: flags.dataDir ?? dataDir(),
        apiKey,
        retrySchedule: await retryScheduleOption(flags.retrySchedule ?? env('PROPITBOX_RETRY_SCHEDULE')),
        deliveryTimeoutMs: timeoutOption(flags.timeout ?? env('PROPITBOX_DELIVERY_TIMEOUT')),
        publicUrl: publicUrlOption(flags.publicUrl ?? env('PROPITBOX_PUBLIC_URL')),
        allowedHosts: allowedHostsOption(flags.allowedHosts),
        json: flags.json === true,
        writeProfile: flags.profile,
        ingestMaxBody: ingestMaxBodyOption(flags.ingestMaxBody ?? env('PROPITBOX_INGEST_MAX_BODY')),
        forwardTargets: forwarding?.targets.map((t) => t.url),
        exitWithParent: flags.headless === true,
      };
      let forward;
      if (forwarding) {
        const { output, tuiRequired, ...listen } = forwarding; // dev has no exit rules: the service sets none
        const { createListenRenderer } = await import('../../output/listen/create-renderer.js');
        const renderer = await createListenRenderer({ output, tuiRequired });
        forward = { listen, renderer };
      }
      const { runDev, dieBy } = await import('../../services/dev.js');
      const { signal } = await runDev(settings, forward);
      // Shut down and recorded: end by the signal (130 on Ctrl-C, 143 on SIGTERM), without waiting
      // for a DNS lookup of an endpoint host that may still be pending in the thread pool.
      // (A run inside a test process only sets the code: killing the process would end the tests.)
      if (signal && !currentIo()) dieBy(signal);
      else if (signal) setExitCode(signal === 'SIGINT' ? 130 : 143);
    });
}
