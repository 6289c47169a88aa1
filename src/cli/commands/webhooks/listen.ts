// `propitbox webhooks listen`: forward live events from a relay session to local URLs. Flags and help
// only; the session, renderers and TUI load inside the action.
import type { Command, CommandUnknownOpts, OptionValues } from '@commander-js/extra-typings';
import { UsageError } from '../../../errors.js';
import { intOption } from '../../program.js';
import { EXIT } from '../../exit-codes.js';
import { parseDuration } from '../../../util/duration.js';
import { isValidPattern, unknownTypeMessage } from '../../../domain/event-types.js';
import { collect, examples, globals, joinRepeats } from '../shared.js';
import { webhooksGroup } from './index.js';
import { keepHeapNearLiveSize } from '../../heap-tuning.js';
import { SECRET_ENV_NAME } from '../../../relay/env-file.js';
import type { ListenOutput } from '../../../output/listen/create-renderer.js';
import { setExitCode, stderr, stdout } from '../../../util/io.js';

export interface ListenFlags {
  forwardTo?: string;
  route: string[];
  events?: string;
  headers: string[];
  printSecret?: boolean;
  writeEnv?: string;
  since?: string;
  format: string;
  /** true: --tui, false: --no-tui, undefined: a TUI when stdout is a terminal. */
  tui?: boolean;
  maxEvents?: number;
  expect?: string;
  timeout?: string;
  concurrency: number;
  label?: string;
  keepSession?: boolean;
  ingest?: string | true;
  keepPath?: boolean;
  relay?: string;
  relayKey?: string;
  register?: string;
  keepEndpoint?: boolean;
  envName?: string;
}

export const LISTEN_HELP = `
Each event is POSTed with the exact bytes the API sent and fresh signature headers
(X-ProPitbox-Signature and Standard Webhooks webhook-*), signed with the session secret. The secret is
stable per API key and saved in your profile: put it in your app's .env once (--write-env .env).
Delivery is at-least-once: a reconnect resumes after the last acknowledged event. When listen exits
its session is closed (events it did not acknowledge are marked failed with the reason); a session
whose process died without closing is deleted after 5 min with no client. --keep-session keeps it
instead: events that arrive while no client is connected wait on the server for up to 24 h, at most
10,000 per session (oldest dropped first), and a restarted listen with the same --events/--label and
--keep-session picks them up. See and close sessions with \`propitbox webhooks sessions\`.
Receiver down: said once; events are held and retried (backoff up to 2 s) until it answers.
A 4xx/5xx answer is final (shown and acknowledged, not retried), and so is a TLS, certificate or
not-HTTP error (e.g. https:// to a plain http port): shown with a hint once, acknowledged with the error.
Output: a TUI on a terminal (if it cannot load: why, then plain lines; with --tui: an error);
otherwise plain lines, or --format json (NDJSON, {"v":1,"kind":...}).
Exit: Ctrl-C exits 130 and SIGTERM 0, once in-flight forwards finish; --max-events / --expect exit 0
when met and 1 when not (a non-2xx answer, or --timeout elapsing first).
History: every forward is logged to <state dir>/history/<profile>.ndjson (20 MB x 2) for
\`propitbox events replay\`.
Ingest URLs (--ingest): the relay gives you a public URL any sender can POST to (RCManager, GitHub, …);
what it receives is forwarded with the same method, the sender's own headers (hop-by-hop ones dropped,
Host set to the target, the original in X-Forwarded-Host, X-Propitbox-Ingest-Id added) and the exact
bytes, unsigned: the sender's signature is the one your app checks. --register EVENTS makes the API
deliver EVENTS to that URL (POST /v1/webhooks) and prints the endpoint's secret; the endpoint is deleted
on exit (--keep-endpoint keeps it) and reused, not duplicated, after a crash.`;

/** The flags `webhooks listen` and `dev --forward-to` share. */
export function withListenOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option('--forward-to <url>', 'local URL to POST every event to (the fallback after --route)')
    .option('--route <pattern=url>', "send matching types to URL, e.g. 'maintenance.task.*=http://localhost:3000/tasks' (repeatable, first match wins)", collect, [])
    .option('--events <types>', 'only these event types (comma list, repeatable; wildcards like vehicle.* allowed)', joinRepeats)
    .option('--headers <name:value>', 'extra header on every forwarded request (repeatable)', collect, [])
    .option('--format <format>', 'plain or json (NDJSON) when not using the TUI', 'plain')
    .option('--tui', 'the TUI, and an error if it cannot run (default: the TUI on a terminal)')
    .option('--no-tui', 'plain/JSON lines even on a terminal')
    .option('--concurrency <n>', 'forward up to N events at once (1 keeps order)', intOption('--concurrency', 1, 256), 1)
    .option('--keep-session', 'keep the session when this process exits, to catch up on missed events next time (default: closed on exit)');
}

/** --max-events / --expect / --timeout: `webhooks listen` only (dev runs until stopped). */
function withExitRules<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option('--max-events <n>', 'exit after N events were forwarded (0 if all answered 2xx, else 1)', intOption('--max-events', 1))
    .option('--expect <type>', 'exit 0 as soon as an event of this type was answered 2xx')
    .option('--timeout <duration>', 'give up after this long, e.g. 30s (exit 1 if --expect/--max-events are not met)');
}

export function registerWebhooksListen(program: CommandUnknownOpts): void {
  const cmd = webhooksGroup(program)
    .command('listen')
    .description('receive live events over a websocket and forward them, signed, to your local app');
  withExitRules(withListenOptions(cmd))
    .option('--print-secret', 'print the session signing secret and exit')
    .option('--write-env <file>', 'write the secret into this dotenv file as PROPITBOX_WEBHOOK_SECRET=… (--env-name to change it; other lines kept)')
    .option('--since <duration>', 'first replay events from this far back, e.g. 2h')
    .option('--label <text>', 'a label for the session (also keeps separate sessions apart)')
    .option('--ingest [channel]', "also forward what an ingest URL receives (default: your profile's channel, created on first use)")
    .option('--keep-path', 'with --ingest: append the path after the token and the query to the target URL')
    .option('--register <types>', 'with --ingest: create an endpoint on the API for these event types whose URL is the ingest URL')
    .option('--keep-endpoint', 'with --register: do not delete the endpoint on exit')
    .option('--env-name <name>', "with --write-env: the variable to set, e.g. WEBHOOK_SECRET as the seed's handler reads it (default PROPITBOX_WEBHOOK_SECRET; with --register WEBHOOK_SECRET)")
    .option('--relay <url>', 'the propitbox server hosting the session and channels, when not the API (env PROPITBOX_RELAY_URL)')
    .option('--relay-key <key>', "the relay's API key (env PROPITBOX_RELAY_KEY)")
    .addHelpText(
      'after',
      LISTEN_HELP +
        examples(
          'propitbox webhooks listen --forward-to http://localhost:3000/webhooks/pro-pitbox',
          "propitbox webhooks listen --forward-to http://localhost:3000/hooks --route 'maintenance.task.*=http://localhost:3000/tasks'",
          'propitbox webhooks listen --print-secret',
          'propitbox webhooks listen --forward-to http://localhost:3000/hooks --write-env .env --since 2h',
          'propitbox webhooks listen --forward-to http://localhost:3000/hooks --format json --expect maintenance.task.created --timeout 30s',
          "propitbox webhooks listen --ingest --register 'vehicle.*,maintenance.task.*' --forward-to http://localhost:3000/webhooks/pro-pitbox --write-env .env",
          'propitbox webhooks listen --relay https://relay.example.com --relay-key "$RELAY_KEY" --ingest --keep-path --forward-to http://localhost:3000',
        ),
    )
    .action(async (flags, c) => {
      const { resolveConfig } = await import('../../../config/resolve.js');
      const { noApiKeyError } = await import('../../../api/errors.js');
      const g = globals(c);
      const { resolveRelay, noRelayKeyError } = await import('../../../config/relay.js');
      const cfg = resolveConfig({ profile: g.profile, apiKey: g.apiKey, apiUrl: g.apiUrl });
      // Usage errors (exit 2) first: a typo in a flag is said before anything about the API.
      const { output, tuiRequired, ...opts } = await listenOptionsFrom(flags, !flags.printSecret && !flags.writeEnv);
      const ingest = await ingestOptionsFrom(flags);
      const relay = resolveRelay(cfg, flags);
      if (!relay.key) throw relay.isApi ? noApiKeyError(cfg) : noRelayKeyError(relay);
      if (ingest?.register && !cfg.apiKey) throw noApiKeyError(cfg);
      if (ingest?.register) Object.assign(ingest.register, { apiUrl: cfg.apiUrl, apiKey: cfg.apiKey });
      const { runListen, resolveListenSecret } = await import('../../../services/listen.js');
      keepHeapNearLiveSize();
      const envName = flags.envName ?? SECRET_ENV_NAME;
      const run = { ...opts, apiUrl: relay.url, apiKey: relay.key, relayIsApi: relay.isApi, profile: cfg.profileName, label: flags.label, writeEnv: flags.writeEnv, envName, ingest };
      if (flags.printSecret || (flags.writeEnv && !flags.forwardTo && !flags.route.length && !ingest)) {
        const secret = await resolveListenSecret(run);
        if (flags.printSecret) stdout().write(secret + '\n');
        if (flags.writeEnv) stderr().write(`Wrote ${envName} to ${flags.writeEnv}\n`);
        return;
      }
      const { createListenRenderer } = await import('../../../output/listen/create-renderer.js');
      const renderer = await createListenRenderer({ output, tuiRequired });
      const { signal } = await runListen(run, renderer);
      if (signal === 'SIGINT') setExitCode(EXIT.INTERRUPTED);
    });
}

/** --ingest and the flags that only make sense with it (usage errors, exit 2). */
export async function ingestOptionsFrom(flags: ListenFlags) {
  const { assertHttpUrl } = await import('../../../api/url.js');
  if (flags.relay) assertHttpUrl(flags.relay, '--relay');
  if (flags.ingest === undefined) {
    for (const [flag, set] of [['--keep-path', flags.keepPath], ['--register', flags.register], ['--keep-endpoint', flags.keepEndpoint]] as const) {
      if (set) throw new UsageError(`${flag} needs --ingest (it is about ingest URLs)`, 'e.g. --ingest --register vehicle.* --forward-to http://localhost:3000/webhooks/pro-pitbox');
    }
    return undefined;
  }
  if (typeof flags.ingest === 'string' && !/^ich_[A-Za-z0-9_]+$/.test(flags.ingest)) throw new UsageError(`--ingest '${flags.ingest}' is not a channel id (ich_…): pass one from \`propitbox ingest list\`, or --ingest alone for your default channel`);
  if (flags.keepEndpoint && !flags.register) throw new UsageError('--keep-endpoint needs --register');
  if (flags.printSecret) throw new UsageError('--print-secret prints the listen secret; with --ingest --register the endpoint secret is printed on start');
  const g = await import('../shared.js');
  return {
    channel: flags.ingest,
    keepPath: flags.keepPath === true,
    envName: flags.envName ?? 'WEBHOOK_SECRET',
    register: flags.register ? { apiUrl: '', apiKey: '', events: g.parseEventPatterns(flags.register), keep: flags.keepEndpoint === true } : undefined,
  };
}

/** Validates the shared flags (usage errors, exit 2) into listen service options and the output to use. */
export async function listenOptionsFrom(flags: ListenFlags, needTarget: boolean) {
  const { buildTargets, parseEventFilter, parseHeaders, effectiveFilter, RouteError } = await import('../../../relay/routes.js');
  try {
    const targets = buildTargets(flags.route ?? [], flags.forwardTo);
    if (needTarget && !targets.length) throw new UsageError('--forward-to URL is required (or --route PATTERN=URL, or --print-secret)', 'e.g. --forward-to http://localhost:3000/webhooks/pro-pitbox');
    if (flags.writeEnv) (await import('../../../relay/env-file.js')).checkEnvFile(flags.writeEnv);
    if (flags.envName !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.envName)) throw new UsageError(`--env-name '${flags.envName}' is not a variable name (letters, digits, _)`);
    if (flags.envName !== undefined && !flags.writeEnv) throw new UsageError('--env-name names the variable --write-env sets: pass --write-env FILE too');
    const format = flags.format;
    if (format !== 'plain' && format !== 'json') throw new UsageError(`--format must be plain or json, got '${format}'`);
    if (flags.tui === true && format === 'json') throw new UsageError('--tui and --format json do not mix: pick one');
    if (flags.tui === true && stdout().isTTY !== true) throw new UsageError('--tui needs a terminal, and stdout is not one: drop --tui for plain lines');
    if (flags.expect && !isValidPattern(flags.expect)) throw new UsageError(`--expect: ${unknownTypeMessage(flags.expect)}`);
    const duration = (flag: string, v: string | undefined) => {
      if (v === undefined) return undefined;
      const ms = parseDuration(v);
      if (ms === null || ms <= 0) throw new UsageError(`${flag} '${v}' is not a duration: use e.g. 30s, 5m, 2h`);
      return ms;
    };
    const since = duration('--since', flags.since);
    const exit = { maxEvents: flags.maxEvents, expect: flags.expect, timeoutMs: duration('--timeout', flags.timeout) };
    const ci = exit.maxEvents !== undefined || exit.expect !== undefined || exit.timeoutMs !== undefined;
    // The TUI is for people; CI primitives and JSON want lines (unless --tui asks for it anyway).
    const output: ListenOutput = flags.tui === true || (flags.tui !== false && format !== 'json' && !ci && stdout().isTTY === true) ? 'tui' : format;
    return {
      targets,
      // An ingest listener gets events from the relay only when it names them (--events).
      events: flags.ingest !== undefined ? parseEventFilter(flags.events) : effectiveFilter(parseEventFilter(flags.events), targets),
      headers: parseHeaders(flags.headers ?? []),
      sinceSec: since === undefined ? undefined : Math.max(1, Math.round(since / 1000)),
      concurrency: flags.concurrency,
      keepSession: flags.keepSession === true,
      output,
      tuiRequired: flags.tui === true,
      exit,
    };
  } catch (e) {
    if (e instanceof RouteError) throw new UsageError(e.message);
    throw e;
  }
}
