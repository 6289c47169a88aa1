// Runs a listen session for a command (`webhooks listen`, `dev --forward-to`): opens it, picks the
// renderer once (TUI on a TTY, else plain lines or NDJSON), applies the exit rules, and turns Ctrl-C /
// SIGTERM into an intentional close (in-flight forwards finish; exit 130 for SIGINT, 0 for SIGTERM).
import { FailedError } from '../../errors.js';
import { updateProfile, readConfig } from '../../config/store.js';
import { writeEnvSecret } from '../../relay/env-file.js';
import { ExitWatcher, type ExitDecision, type ExitRules } from '../../relay/exit-conditions.js';
import type { ForwardTarget, ListenController, ListenListener } from '../../relay/listen-events.js';
import { ListenSessionRunner } from '../../relay/listen-session.js';
import { RelayApi } from '../../relay/relay-api.js';
import { createNdjsonRenderer } from './ndjson.js';
import { createPlainRenderer } from './plain.js';
import type { ListenRenderer } from './renderer.js';

export interface RunListenOptions {
  apiUrl: string;
  apiKey: string;
  profile: string;
  targets: ForwardTarget[];
  events: string[];
  label?: string;
  sinceSec?: number;
  headers?: Record<string, string>;
  concurrency?: number;
  format: 'plain' | 'json';
  tui: boolean;
  exit: ExitRules;
  writeEnv?: string;
}

type TuiModule = {
  runListenTui(opts: { subscribe(l: ListenListener): () => void; controller: ListenController; header: { apiUrl: string; profile: string; mode: 'emulator' | 'api' } }): Promise<void>;
};

function saveSecret(profile: string, secret: string, writeEnv: string | undefined): void {
  try {
    if (readConfig().profiles[profile]?.listen_secret !== secret) updateProfile(profile, { listen_secret: secret });
  } catch {
    /* an unwritable config must not stop forwarding */
  }
  if (writeEnv) writeEnvSecret(writeEnv, secret);
}

export function makeRunner(o: RunListenOptions): ListenSessionRunner {
  return new ListenSessionRunner({
    api: new RelayApi(o.apiUrl, o.apiKey),
    profile: o.profile,
    targets: o.targets,
    events: o.events,
    label: o.label,
    sinceSec: o.sinceSec,
    headers: o.headers,
    concurrency: o.concurrency,
    client: 'propitbox/0.1.0',
    onSecret: (s) => saveSecret(o.profile, s, o.writeEnv),
  });
}

async function loadTui(): Promise<TuiModule | null> {
  const spec = '../../tui/index.js'; // a variable, so the build does not need the TUI to exist yet
  try {
    return (await import(spec)) as TuiModule;
  } catch {
    return null;
  }
}

export async function runListen(o: RunListenOptions, runner = makeRunner(o)): Promise<void> {
  await runner.start();
  let decision: ExitDecision | null = null;
  let signal: NodeJS.Signals | null = null;
  const stop = () => void runner.stop();
  const onSignal = (s: NodeJS.Signals) => {
    // The first signal lets in-flight forwards finish; a second one cuts them off (they stay unacknowledged).
    if (signal) {
      process.stderr.write('Stopping now: unfinished forwards will be re-sent next time\n');
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

  const tui = o.tui ? await loadTui() : null;
  let renderer: ListenRenderer | null = null;
  let tuiDone: Promise<void> | null = null;
  if (tui) {
    const mode = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(o.apiUrl) ? 'emulator' : 'api';
    tuiDone = tui.runListenTui({ subscribe: (l) => runner.subscribe(l), controller: runner, header: { apiUrl: o.apiUrl, profile: o.profile, mode } }).then(stop, stop);
  } else {
    const streams = { out: process.stdout, err: process.stderr };
    renderer = o.format === 'json' ? createNdjsonRenderer(streams) : createPlainRenderer(streams);
    const r = renderer;
    runner.subscribe((e) => r.render(e));
  }
  try {
    await runner.wait();
    await tuiDone;
  } finally {
    watcher.stop();
    renderer?.flush();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.stdout.off('error', onStdoutError);
  }
  const d = decision as ExitDecision | null;
  if (d) {
    if (d.code !== 0) throw new FailedError(d.message);
    process.stderr.write(d.message + '\n');
  }
  if (signal === 'SIGINT') process.exitCode = 130;
}
