// `propitbox dev` as a service: start the emulator, save the `local` profile, print the ready line
// (only once the port accepts requests), then run until SIGINT/SIGTERM and shut down cleanly.
// The command file only parses flags; other modes (e.g. --forward-to) start their part between
// startDev() and untilStopped().
import { LOCAL_PROFILE, updateProfile } from '../config/store.js';
import { configFile } from '../config/paths.js';
import { mask } from '../util/mask.js';
import { startEmulator, type Emulator } from './emulator.js';

export interface DevSettings {
  host: string;
  port: number;
  dataDir: string;
  apiKey?: string;
  retrySchedule?: number[];
  deliveryTimeoutMs?: number;
  json: boolean;
  /** Write the `local` profile and make it current (default true). */
  writeProfile: boolean;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

export interface DevHandle {
  emulator: Emulator;
  /** Resolves after a signal (or stop()) once everything is closed. */
  untilStopped(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDev(s: DevSettings): Promise<DevHandle> {
  const out = s.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = s.err ?? ((l: string) => process.stderr.write(l + '\n'));
  const emulator = await startEmulator({
    host: s.host,
    port: s.port,
    dataDir: s.dataDir,
    apiKey: s.apiKey,
    retrySchedule: s.retrySchedule,
    deliveryTimeoutMs: s.deliveryTimeoutMs,
    log: (line) => err(`propitbox dev: ${line}`),
  });
  if (s.writeProfile) updateProfile(LOCAL_PROFILE, { api_url: emulator.url, api_key: emulator.apiKey }, { makeCurrent: true });
  for (const line of readyLines(emulator, s)) out(line);

  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const stop = () =>
    (stopping ??= (async () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await emulator.close();
      resolveStopped();
    })());
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { emulator, untilStopped: () => stopped, stop };
}

export function readyLines(e: Emulator, s: Pick<DevSettings, 'json' | 'writeProfile'>): string[] {
  if (s.json) return [JSON.stringify({ ready: true, url: e.url, api_key_masked: mask(e.apiKey), data_dir: e.dataDir })];
  return [
    `Ready: emulator at ${e.url} (API key ${mask(e.apiKey)})`,
    `  Data: ${e.dataDir}`,
    `  Dashboard: ${e.url}/ (log in with the API key${s.writeProfile ? `: propitbox --profile ${LOCAL_PROFILE} config get api_key --show-secret` : ''})`,
    s.writeProfile
      ? `  Profile '${LOCAL_PROFILE}' saved in ${configFile()} and made current: other commands need no flags.`
      : `  Use it with: --api-url ${e.url} --api-key <key>`,
    `  Try: propitbox webhooks create --url http://localhost:3000/webhooks/pro-pitbox --events '*'`,
    `       propitbox trigger maintenance.task.created`,
    `  Stop with Ctrl-C.`,
  ];
}
