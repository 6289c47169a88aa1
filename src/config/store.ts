// The config file: profiles with an API key and URL. Always 0600 (an older 0644 file is chmod-ed on
// read), written atomically so a crash never leaves half a file. A file that cannot be read or written
// (a folder in its place, a file where its folder goes, wrong types inside) is one line naming the fix.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { configFile } from './paths.js';
import { configShapeProblem } from './shape.js';
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
    throw configPathError(file, e, 'read');
  }
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  } catch {
    /* best effort: reading must not fail because chmod did */
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`Config file ${file} is not valid JSON`, `fix or delete it, then run \`propitbox login\``);
  }
  const problem = configShapeProblem(parsed);
  if (problem) throw new UsageError(`Config file ${file} is not a propitbox config: ${problem}`, 'fix that value, or delete the file and run `propitbox login`');
  const cfg = parsed as ConfigFile;
  return { ...cfg, profiles: cfg.profiles ?? {} };
}

export function writeConfig(cfg: ConfigFile, file = configFile()): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic.sync(file, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (e) {
    throw configPathError(file, e, 'write');
  }
}

/** Why the config file cannot be read or written, as the fix. */
function configPathError(file: string, err: unknown, op: 'read' | 'write'): UsageError {
  const code = (err as NodeJS.ErrnoException).code;
  const elsewhere = 'or set PROPITBOX_CONFIG_DIR to another folder';
  if (code === 'EISDIR') return new UsageError(`Config file ${file} is a folder, not a file`, `remove or rename that folder (propitbox creates the file), ${elsewhere}`);
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const blocker = firstNonFolder(dirname(file));
    const what = blocker === dirname(file) ? `The config dir ${blocker} is a file` : `The config dir ${dirname(file)} cannot be made: ${blocker} is a file`;
    if (blocker) return new UsageError(`${what}, not a folder`, `move that file away, ${elsewhere}`);
  }
  if (code === 'EACCES' || code === 'EPERM') return new UsageError(`Cannot ${op} config file ${file}: permission denied`, `make it (and its folder) yours and writable, ${elsewhere}`);
  if (code === 'EROFS') return new UsageError(`Cannot ${op} config file ${file}: the file system is read-only`, elsewhere);
  return new UsageError(`Cannot ${op} config file ${file}: ${(err as Error).message}`, elsewhere);
}

/** The nearest existing ancestor of `dir` (itself included) when it is not a folder. */
function firstNonFolder(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(d)) return statSync(d).isDirectory() ? null : d;
    if (dirname(d) === d) return null;
  }
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
