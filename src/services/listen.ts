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
}

function saveSecret(profile: string, secret: string, writeEnv: string | undefined): void {
  try {
    if (readConfig().profiles[profile]?.listen_secret !== secret) updateProfile(profile, { listen_secret: secret });
  } catch {
    /* an unwritable config must not stop forwarding */
  }
  if (writeEnv) writeEnvSecret(writeEnv, secret);
}

function makeRunner(o: ListenServiceOptions): ListenSessionRunner {
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
    onSecret: (s) => saveSecret(o.profile, s, o.writeEnv),
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

export async function runListen(o: ListenServiceOptions, renderer: SessionRenderer): Promise<ListenOutcome> {
  const runner = makeRunner(o);
  await runner.start();
  let decision: ExitDecision | null = null;
  let signal: NodeJS.Signals | null = null;
  const stop = () => void runner.stop();
  const onSignal = (s: NodeJS.Signals) => {
    // The first signal lets in-flight forwards finish; a second one cuts them off (they stay unacknowledged).
    if (signal) {
      process.stderr.write(o.keepSession ? 'Stopping now: unfinished forwards will be re-sent next time\n' : 'Stopping now: unfinished forwards are dropped (failed in the Event Logs; --keep-session re-sends them next time)\n');
      runner.abort();
      return;
    }
    signal = s;
    const busy = runner.inFlight();
    if (busy) process.stderr.write(`Stopping: finishing ${busy} in-flight forward${busy === 1 ? '' : 's'} (signal again to stop now)\n`);
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `listen | head -5`: the reader went away; stop quietly instead of crashing on EPIPE.
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') stop();
  };
  process.stdout.on('error', onStdoutError);

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
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.stdout.off('error', onStdoutError);
  }
  const d = decision as ExitDecision | null;
  if (d) {
    if (d.code !== 0) throw new FailedError(d.message);
    process.stderr.write(d.message + '\n');
  }
  return { signal };
}
