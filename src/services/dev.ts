// The `dev` service: start the emulator, and once it accepts requests save the `local` profile (the
// server itself never writes CLI config) and print the ready line; then run until SIGINT/SIGTERM, or
// run a listen session on it (--forward-to), and shut down cleanly.
// Shutdown is bounded: in-flight deliveries get SHUTDOWN_GRACE_MS to be answered and recorded, and
// whatever happens (a socket that will not close, a DNS lookup that never returns) the process is gone
// SHUTDOWN_LIMIT_MS after the signal. A second signal exits at once. The command then ends the
// process by the signal it got (dieBy: status 130 for Ctrl-C, 143 for SIGTERM).
import { FailedError } from '../errors.js';
import { LOCAL_PROFILE, readConfig, updateProfile } from '../config/store.js';
import { configFile } from '../config/paths.js';
import type { SessionRenderer } from '../output/listen/renderer.js';
import { DataDirInUseError, PortInUseError, startEmulator, type Emulator } from '../server/emulator.js';
import { mask } from '../util/mask.js';
import type { ListenOutcome, ListenServiceOptions } from './listen.js';
import { currentIo, signals, stderr, stdout } from '../util/io.js';

export interface DevSettings {
  host: string;
  port: number;
  dataDir: string;
  apiKey?: string;
  retrySchedule?: number[];
  deliveryTimeoutMs?: number;
  /** --public-url / --allowed-hosts (the Host allow-list). */
  publicUrl?: string;
  allowedHosts?: string[];
  json: boolean;
  /** Write the `local` profile and make it current (default true). */
  writeProfile: boolean;
  ingestMaxBody?: number;
  /** The --forward-to / --route URLs, so the hints name the real targets. */
  forwardTargets?: string[];
  /** --headless: stop when the process that started us goes away (`npx … &` then `kill` signals only npx). */
  exitWithParent?: boolean;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** How a forced stop (second signal, time limit) ends the process (default dieBy). */
  die?: (signal: NodeJS.Signals) => void;
}

/** `dev --forward-to`: the listen session to run on the emulator, and its renderer. */
export interface DevForward {
  listen: Omit<ListenServiceOptions, 'apiUrl' | 'apiKey' | 'profile' | 'exit'>;
  renderer: SessionRenderer;
}

export interface DevHandle {
  emulator: Emulator;
  /** Resolves after a signal (or stop()) once everything is closed, with the signal if there was one. */
  untilStopped(): Promise<NodeJS.Signals | null>;
  stop(): Promise<void>;
  /**
   * Something else winds down first on a signal (the listen session of `dev --forward-to`) and calls
   * stop() when done; dev still bounds the whole shutdown and stops at once on a second signal.
   */
  deferStopOnSignal(): void;
}

export const SHUTDOWN_GRACE_MS = 3_500;
export const SHUTDOWN_LIMIT_MS = 4_900;

/**
 * End the process by `signal` with its default action, once shut down: the status shells report
 * (130, 143), and the one docker and systemd count as a clean stop. Not process.exit(): that first
 * waits for every thread-pool job to finish, a DNS lookup that never returns included.
 */
export function dieBy(signal: NodeJS.Signals): void {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

/** Runs `propitbox dev` to the end: until a signal, or until the --forward-to session ends. */
export async function runDev(s: DevSettings, forward?: DevForward): Promise<ListenOutcome> {
  const dev = await startDev(s);
  if (!forward) return { signal: await dev.untilStopped() };
  // The listen session handles Ctrl-C first (finish in-flight, ack), then the emulator stops.
  dev.deferStopOnSignal();
  try {
    // dev wrote the `local` profile; with --no-profile the secret goes to the current one.
    const { runListen } = await import('./listen.js'); // the relay client loads only for --forward-to
    const config = readConfig();
    const profile = config.profiles[LOCAL_PROFILE]?.api_url === dev.emulator.url ? LOCAL_PROFILE : (config.current_profile ?? LOCAL_PROFILE);
    return await runListen({ ...forward.listen, exit: {}, apiUrl: dev.emulator.url, apiKey: dev.emulator.apiKey, profile }, forward.renderer);
  } finally {
    await dev.stop();
  }
}

export async function startDev(s: DevSettings): Promise<DevHandle> {
  const out = s.out ?? ((l: string) => stdout().write(l + '\n'));
  const err = s.err ?? ((l: string) => stderr().write(l + '\n'));
  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      host: s.host,
      port: s.port,
      dataDir: s.dataDir,
      apiKey: s.apiKey,
      retrySchedule: s.retrySchedule,
      deliveryTimeoutMs: s.deliveryTimeoutMs,
      ingestMaxBody: s.ingestMaxBody,
      publicUrl: s.publicUrl,
      allowedHosts: s.allowedHosts,
      log: (line) => err(`propitbox dev: ${line}`),
    });
  } catch (e) {
    if (e instanceof PortInUseError) throw new FailedError(`Port ${e.port} is already in use: stop the other propitbox dev or pass --port 0`);
    if (e instanceof DataDirInUseError) throw new FailedError(`Data dir ${e.dataDir} is in use by another propitbox dev: stop it or pass --data-dir`);
    throw e;
  }
  try {
    if (s.writeProfile) updateProfile(LOCAL_PROFILE, { api_url: emulator.url, api_key: emulator.apiKey }, { makeCurrent: true });
  } catch (e) {
    await emulator.close(0); // an unwritable config dir: say so and exit, not keep serving with no profile
    throw e;
  }
  for (const line of readyLines(emulator, s)) out(line);

  // In a test process (an Io of its own) a forced stop must not kill the tests: the stop just goes on.
  const die = s.die ?? (currentIo() ? () => undefined : dieBy);
  const sig = signals();
  let stopping: Promise<void> | undefined;
  let signal: NodeJS.Signals | null = null;
  let deferred = false;
  let deadline: NodeJS.Timeout | undefined;
  let resolveStopped!: (s: NodeJS.Signals | null) => void;
  const stopped = new Promise<NodeJS.Signals | null>((r) => (resolveStopped = r));
  const stop = () =>
    (stopping ??= (async () => {
      await emulator.close(SHUTDOWN_GRACE_MS);
      sig.off('SIGINT', onSignal);
      sig.off('SIGTERM', onSignal);
      clearTimeout(deadline);
      resolveStopped(signal);
    })());
  const onSignal = (sig: NodeJS.Signals) => {
    if (signal) {
      err('propitbox dev: stopping now (deliveries not yet recorded are sent again on the next start)');
      return die(sig);
    }
    signal = sig;
    // unref: a clean stop ends as soon as it is done; this only cuts a stop that hangs.
    deadline = setTimeout(() => {
      err(`propitbox dev: shutdown took longer than ${SHUTDOWN_LIMIT_MS / 1000} s: stopping now`);
      die(sig);
    }, SHUTDOWN_LIMIT_MS);
    deadline.unref();
    if (deferred) return;
    const busy = emulator.engine.stats.inFlight;
    if (busy) err(`propitbox dev: stopping: waiting up to ${SHUTDOWN_GRACE_MS / 1000} s for ${busy} deliver${busy === 1 ? 'y' : 'ies'} in flight (signal again to stop now)`);
    void stop();
  };
  sig.on('SIGINT', onSignal);
  sig.on('SIGTERM', onSignal);
  if (s.exitWithParent) {
    const unwatch = watchParent(() => {
      err('propitbox dev: the process that started it exited; stopping');
      void stop();
    });
    void stopped.then(unwatch);
  }
  return { emulator, untilStopped: () => stopped, stop, deferStopOnSignal: () => void (deferred = true) };
}

export function readyLines(e: Emulator, s: Pick<DevSettings, 'json' | 'writeProfile' | 'forwardTargets'>): string[] {
  if (s.json) return [JSON.stringify({ ready: true, url: e.url, api_key_masked: mask(e.apiKey), data_dir: e.dataDir })];
  return [
    `Ready: emulator at ${e.url} (API key ${mask(e.apiKey)})`,
    `  Data: ${e.dataDir}`,
    `  Dashboard: ${e.url}/ (log in with the API key${s.writeProfile ? `: propitbox --profile ${LOCAL_PROFILE} config get api_key --show-secret` : ''})`,
    s.writeProfile
      ? `  Profile '${LOCAL_PROFILE}' saved in ${configFile()} and made current: other commands need no flags.`
      : `  Use it with: --api-url ${e.url} --api-key <key>`,
    ...tryLines(s.forwardTargets),
    `  Stop with Ctrl-C.`,
  ];
}

function tryLines(targets: string[] | undefined): string[] {
  // While forwarding, an endpoint on the same URL would deliver every event twice (once with the
  // endpoint's secret, which the app does not use): the forwarder is all that is needed.
  if (targets?.length) return [`  Try: propitbox trigger maintenance.task.created   (forwarded to ${targets.join(', ')}; no endpoint needed)`];
  return [`  Try: propitbox webhooks create --url <your app's URL, e.g. http://localhost:3000/webhooks/pro-pitbox> --events '*'`, `       propitbox trigger maintenance.task.created`];
}

/**
 * Calls `onGone` once the parent process is gone (we were re-parented, so our ppid changed). npx and
 * other wrappers do not forward signals: without this, `npx propitbox dev --headless &` then `kill %1`
 * would leave the emulator running. Polling, because Node has no parent-death signal.
 */
export function watchParent(onGone: () => void, o: { ppid?: () => number; intervalMs?: number } = {}): () => void {
  const ppid = o.ppid ?? (() => process.ppid);
  const first = ppid();
  const timer = setInterval(() => {
    if (ppid() === first) return;
    clearInterval(timer);
    onGone();
  }, o.intervalMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
