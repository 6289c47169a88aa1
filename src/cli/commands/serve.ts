// `propitbox serve`: the propitbox server for hosting (a team relay with ingest URLs, a shared
// emulator). Flags and help only; src/services/serve.ts does the work.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { intOption } from '../program.js';
import { UsageError } from '../../errors.js';
import { EXIT } from '../exit-codes.js';
import { serveDataDir } from '../../config/paths.js';
import { DEFAULT_EMULATOR_PORT } from '../../config/resolve.js';
import { env } from '../../util/env.js';
import { allowedHostsOption, databaseOptions, ingestMaxBodyOption, publicUrlOption, retryScheduleOption, timeoutOption } from './server-options.js';
import { examples, globals, joinRepeats } from './shared.js';
import { setExitCode } from '../../util/io.js';

export function registerServe(program: CommandUnknownOpts): void {
  program
    .command('serve')
    .description('Run the propitbox server for a team: relay for listen sessions and ingest URLs, the API, the delivery engine (JSON logs)')
    .option('--port <n>', 'port to listen on', intOption('--port', 0, 65535), DEFAULT_EMULATOR_PORT)
    .option('--host <host>', 'address to bind (behind a reverse proxy keep 127.0.0.1)', '127.0.0.1')
    .option('--data-dir <dir>', 'database directory (env PROPITBOX_DATA_DIR; default $XDG_DATA_HOME/propitbox/serve)')
    .option('--admin-key <key>', 'enables per-developer keys: POST/GET/DELETE /v1/api-keys and `propitbox keys` with this key (env PROPITBOX_ADMIN_KEY); each key owns its own endpoints, events, sessions and channels')
    .option('--database-url <url>', 'postgres://user:pass@host/db: keep everything in PostgreSQL so several serve nodes share it behind a load balancer (env PROPITBOX_DATABASE_URL; default: SQLite in the data dir)')
    .option('--database-schema <name>', 'PostgreSQL schema for the tables (env PROPITBOX_DATABASE_SCHEMA; default public)')
    .option('--public-url <url>', 'the https:// URL clients reach this server at, used in ingest URLs and ws_url (env PROPITBOX_PUBLIC_URL)')
    .option('--allowed-hosts <list>', 'more Host names to answer to besides localhost and --public-url\'s, comma-separated, repeatable (.example.com = it and its subdomains); others get 421', joinRepeats)
    .option('--trust-proxy', 'trust X-Forwarded-For/-Proto/-Host from the reverse proxy in front (env PROPITBOX_TRUST_PROXY=1)')
    .option('--retry-schedule <list>', 'delays between delivery attempts (env PROPITBOX_RETRY_SCHEDULE; default 5s,30s,2m,10m,1h)')
    .option('--timeout <duration>', 'per-attempt delivery timeout (env PROPITBOX_DELIVERY_TIMEOUT; default 30s)')
    .option('--ingest-max-body <size>', 'largest body an ingest URL accepts, e.g. 25MiB (env PROPITBOX_INGEST_MAX_BODY; default 10MiB, at most 64MiB)')
    .addHelpText(
      'after',
      `
A key is required and never generated: --api-key / PROPITBOX_API_KEY (one key for everyone; at least
16 characters, e.g. \`openssl rand -hex 24\`), and/or --admin-key / PROPITBOX_ADMIN_KEY (one key per
developer: \`propitbox keys create --name alice\`; each key sees only its own data). Clients use their
key as --relay-key (or --api-key). Several nodes: --database-url postgres://… on each, behind a load
balancer (deploy/haproxy.cfg), all with the same keys.
Nothing is written outside the data dir (no CLI profile). Logs: one JSON line per HTTP request and per
delivery attempt on stdout, never a key, a query string or a whole ingest token. GET /v1/health needs
no key and says whether the store answers. SIGTERM/SIGINT: stops within 5 s; pending deliveries and
stored ingest requests are in the database and resume on the next start.
${examples(
  'PROPITBOX_API_KEY=$(cat /etc/propitbox/key) propitbox serve --public-url https://relay.example.com --trust-proxy --data-dir /var/lib/propitbox',
  'propitbox serve --api-key "$KEY" --port 0 --data-dir ./relay-data   # tests: the ready line says the port',
  'PROPITBOX_DATABASE_URL=postgres://relay:pw@db/relay propitbox serve --port 4481 --public-url https://relay.example.com   # one of N nodes',
)}`,
    )
    .action(async (flags, cmd) => {
      const apiKey = globals(cmd).apiKey ?? env('PROPITBOX_API_KEY');
      const adminKey = flags.adminKey ?? env('PROPITBOX_ADMIN_KEY');
      if (!apiKey && !adminKey) throw new UsageError('propitbox serve needs an API key: pass --api-key KEY or set PROPITBOX_API_KEY (one key for everyone), or --admin-key KEY / PROPITBOX_ADMIN_KEY (one key per developer, made with `propitbox keys create`)', 'make one with `openssl rand -hex 24`; it is never generated');
      for (const [flag, k] of [['--api-key', apiKey], ['--admin-key', adminKey]] as const) {
        if (k !== undefined && (/\s/.test(k) || k.length < 16)) throw new UsageError(`The ${flag} key must be at least 16 characters with no whitespace`, 'make one with `openssl rand -hex 24`');
      }
      if (apiKey && adminKey && apiKey === adminKey) throw new UsageError('--admin-key must differ from --api-key (the admin key reaches no data)');
      const settings = {
        host: flags.host,
        port: flags.port,
        dataDir: flags.dataDir ?? serveDataDir(),
        ...databaseOptions(flags.databaseUrl ?? env('PROPITBOX_DATABASE_URL'), flags.databaseSchema ?? env('PROPITBOX_DATABASE_SCHEMA')),
        apiKey,
        adminKey,
        publicUrl: publicUrlOption(flags.publicUrl ?? env('PROPITBOX_PUBLIC_URL')),
        allowedHosts: allowedHostsOption(flags.allowedHosts),
        trustProxy: flags.trustProxy === true || env('PROPITBOX_TRUST_PROXY') === '1',
        retrySchedule: await retryScheduleOption(flags.retrySchedule ?? env('PROPITBOX_RETRY_SCHEDULE')),
        deliveryTimeoutMs: timeoutOption(flags.timeout ?? env('PROPITBOX_DELIVERY_TIMEOUT')),
        ingestMaxBody: ingestMaxBodyOption(flags.ingestMaxBody ?? env('PROPITBOX_INGEST_MAX_BODY')),
      };
      const { runServe } = await import('../../services/serve.js');
      const { signal } = await runServe(settings);
      if (signal === 'SIGINT') setExitCode(EXIT.INTERRUPTED);
    });
}
