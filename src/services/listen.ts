// The listen service (`webhooks listen`, `dev --forward-to`): opens the session, saves its secret (profile,
// --write-env), shows it through the renderer it was handed, applies the exit rules, and turns Ctrl-C /
// SIGTERM into an intentional close (in-flight forwards finish, then it returns the signal).
import { FailedError } from '../errors.js';
import { updateProfile, readConfig } from '../config/store.js';
import type { SessionRenderer } from '../output/listen/renderer.js';
import { writeEnvSecret } from '../relay/env-file.js';
import { ExitWatcher, type ExitDecision, type ExitRules } from '../relay/exit-conditions.js';
import type { ForwardTarget } from '../relay/listen-events.js';
import { ListenSessionRunner } from '../relay/listen-session.js';
import { RelayApi } from '../relay/relay-api.js';
import type { Registered, RegisterOptions } from './ingest-listen.js';
import { signals, stderr, stdout } from '../util/io.js';

export interface ListenServiceOptions {
  apiUrl: string;
  apiKey: string;
  profile: string;
  targets: ForwardTarget[];
  events: string[];
  label?: string;
  sinceSec?: number;
  keepSession?: boolean;
  headers?: Record<string, string>;
  concurrency?: number;
  exit: ExitRules;
  writeEnv?: string;
  /** The variable --write-env sets to the listen secret (default PROPITBOX_WEBHOOK_SECRET). */
  envName?: string;
  /** false when apiUrl/apiKey are a relay that is not the API (its listen secret is not the profile's). */
  relayIsApi?: boolean;
  /** --ingest: also forward what an ingest channel receives; --register: make the API deliver there. */
  ingest?: IngestListenOptions;
}

export interface IngestListenOptions {
  /** A channel id, or true for the profile's default channel. */
  channel: string | true;
  keepPath: boolean;
  register?: RegisterOptions;
  /** --env-name: the variable --write-env sets to the registered endpoint's secret. */
  envName: string;
}

function saveSecret(o: ListenServiceOptions, secret: string): void {
  if (o.relayIsApi !== false) {
    try {
      if (readConfig().profiles[o.profile]?.listen_secret !== secret) updateProfile(o.profile, { listen_secret: secret });
    } catch {
      /* an unwritable config must not stop forwarding */
    }
  }
  // With --register the env file gets the endpoint's secret instead (what the app verifies then).
  if (o.writeEnv && !o.ingest?.register) writeEnvSecret(o.writeEnv, secret, o.envName);
}

function makeRunner(o: ListenServiceOptions, ingest?: { channelId: string; url: string; keepPath: boolean }): ListenSessionRunner {
  return new ListenSessionRunner({
    api: new RelayApi(o.apiUrl, o.apiKey),
    profile: o.profile,
    targets: o.targets,
    events: o.events,
    label: o.label,
    sinceSec: o.sinceSec,
    keepSession: o.keepSession,
    headers: o.headers,
    concurrency: o.concurrency,
    client: 'propitbox/0.1.0',
    onSecret: (s) => saveSecret(o, s),
    ingest,
  });
}

/** --print-secret / --write-env alone: the key's listen secret, saved like a session's, no session opened. */
export function resolveListenSecret(o: ListenServiceOptions): Promise<string> {
  return makeRunner(o).resolveSecret();
}

export interface ListenOutcome {
  /** The signal that ended the session, if one did (the CLI exits 130 for SIGINT). */
  signal: NodeJS.Signals | null;
}

const note = (line: string) => void stderr().write(line + '\n');

/** --ingest: the channel (and with --register the API endpoint delivering to it), before the session opens. */
async function prepareIngest(o: ListenServiceOptions, i: IngestListenOptions) {
  const { resolveChannel, registerEndpoint } = await import('./ingest-listen.js');
  const channel = await resolveChannel({ url: o.apiUrl, key: o.apiKey }, o.profile, i.channel, note);
  let registered: Registered | undefined;
  if (i.register) {
    registered = await registerEndpoint(i.register, channel.url);
    const e = registered.endpoint;
    note(`${registered.reused ? 'Reusing' : 'Registered'} endpoint ${e.id} on ${i.register.apiUrl} (${e.events.join(',')}) -> ${channel.url}`);
    note(`Its signing secret (what your app verifies): ${registered.secret}${i.register.keep ? '' : '  (the endpoint is deleted when listen exits; --keep-endpoint keeps it)'}`);
    if (o.writeEnv) {
      writeEnvSecret(o.writeEnv, registered.secret, i.envName);
      note(`Wrote ${i.envName} to ${o.writeEnv}`);
    }
  }
  return { channel, registered };
}

export async function runListen(o: ListenServiceOptions, renderer: SessionRenderer): Promise<ListenOutcome> {
  const prepared = o.ingest ? await prepareIngest(o, o.ingest) : undefined;
  try {
    return await listenUntilDone(o, renderer, prepared && { channelId: prepared.channel.id, url: prepared.channel.url, keepPath: o.ingest!.keepPath });
  } finally {
    const reg = o.ingest?.register;
    if (prepared?.registered && reg && !reg.keep) {
      const { unregisterEndpoint } = await import('./ingest-listen.js');
      await unregisterEndpoint(reg, prepared.registered.endpoint.id).then(
        () => note(`Deleted endpoint ${prepared.registered!.endpoint.id}`),
        (e: Error) => note(`Could not delete endpoint ${prepared.registered!.endpoint.id} (${e.message}): the next --register run reuses it`),
      );
    }
  }
}

async function listenUntilDone(o: ListenServiceOptions, renderer: SessionRenderer, ingest?: { channelId: string; url: string; keepPath: boolean }): Promise<ListenOutcome> {
  const runner = makeRunner(o, ingest);
  await runner.start();
  let decision: ExitDecision | null = null;
  let signal: NodeJS.Signals | null = null;
  const stop = () => void runner.stop();
  const onSignal = (s: NodeJS.Signals) => {
    // The first signal lets in-flight forwards finish; a second one cuts them off (they stay unacknowledged).
    if (signal) {
      stderr().write(o.keepSession ? 'Stopping now: unfinished forwards will be re-sent next time\n' : 'Stopping now: unfinished forwards are dropped (failed in the Event Logs; --keep-session re-sends them next time)\n');
      runner.abort();
      return;
    }
    signal = s;
    const busy = runner.inFlight();
    if (busy) stderr().write(`Stopping: finishing ${busy} in-flight forward${busy === 1 ? '' : 's'} (signal again to stop now)\n`);
    stop();
  };
  const sig = signals();
  sig.on('SIGINT', onSignal);
  sig.on('SIGTERM', onSignal);
  // `listen | head -5`: the reader went away; stop quietly instead of crashing on EPIPE.
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') stop();
  };
  const out = stdout();
  out.on('error', onStdoutError);

  const watcher = new ExitWatcher(o.exit, (d) => {
    decision = d;
    stop();
  });
  if (watcher.active) runner.observe(watcher.observe); // no exit rules: nothing to watch per event
  watcher.start();

  renderer.start({ subscribe: (l) => runner.subscribe(l), controller: runner, apiUrl: o.apiUrl, profile: o.profile }, stop);
  try {
    await runner.wait();
  } finally {
    watcher.stop();
    // A fatal session error closes the connection first, so the TUI has already been told to leave.
    await renderer.finish();
    sig.off('SIGINT', onSignal);
    sig.off('SIGTERM', onSignal);
    out.off('error', onStdoutError);
  }
  const d = decision as ExitDecision | null;
  if (d) {
    if (d.code !== 0) throw new FailedError(d.message);
    stderr().write(d.message + '\n');
  }
  return { signal };
}
