// The config file: profiles with an API key and URL. Always 0600 (an older 0644 file is chmod-ed on
// read), written atomically so a crash never leaves half a file.
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { configFile } from './paths.js';
import { UsageError } from '../errors.js';

export interface Profile {
  api_key?: string;
  api_url?: string;
  /** The listen-session signing secret last seen for this profile (stable per API key). */
  listen_secret?: string;
  /** The propitbox server hosting listen sessions and ingest channels, when it is not the API (a team relay). */
  relay_url?: string;
  relay_key?: string;
  /** `listen --ingest` with no id: this channel (created on first use), so the ingest URL stays the same. */
  ingest_channel?: string;
  [key: string]: string | undefined;
}

export interface ConfigFile {
  current_profile?: string;
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';
export const LOCAL_PROFILE = 'local';

export function readConfig(file = configFile()): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw e;
  }
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  } catch {
    /* best effort: reading must not fail because chmod did */
  }
  try {
    const parsed = JSON.parse(text) as ConfigFile;
    return { ...parsed, profiles: parsed.profiles ?? {} };
  } catch {
    throw new UsageError(`Config file ${file} is not valid JSON`, `fix or delete it, then run \`propitbox login\``);
  }
}

export function writeConfig(cfg: ConfigFile, file = configFile()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic.sync(file, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Read-modify-write one profile. */
export function updateProfile(name: string, patch: Partial<Profile>, opts: { makeCurrent?: boolean } = {}): ConfigFile {
  const cfg = readConfig();
  const next: Profile = { ...(cfg.profiles[name] ?? {}), ...patch };
  for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
  cfg.profiles[name] = next;
  if (opts.makeCurrent || !cfg.current_profile) cfg.current_profile = name;
  writeConfig(cfg);
  return cfg;
}
