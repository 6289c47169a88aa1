// Where propitbox keeps things (XDG base dirs). PROPITBOX_CONFIG_DIR / PROPITBOX_STATE_DIR /
// PROPITBOX_DATA_DIR override each one (tests point them at a temp dir).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { env } from '../util/env.js';

function xdg(varName: string, fallback: string[]): string {
  return env(varName) ?? join(env('HOME') ?? homedir(), ...fallback);
}

export function configDir(): string {
  return env('PROPITBOX_CONFIG_DIR') ?? join(xdg('XDG_CONFIG_HOME', ['.config']), 'propitbox');
}

/** Listen history, session cursors. */
export function stateDir(): string {
  return env('PROPITBOX_STATE_DIR') ?? join(xdg('XDG_STATE_HOME', ['.local', 'state']), 'propitbox');
}

/** The emulator's database and API key (`propitbox dev --data-dir` overrides). */
export function dataDir(): string {
  return env('PROPITBOX_DATA_DIR') ?? join(xdg('XDG_DATA_HOME', ['.local', 'share']), 'propitbox', 'emulator');
}

/** `propitbox serve`'s database (a hosted relay keeps its data apart from a laptop's emulator). */
export function serveDataDir(): string {
  return env('PROPITBOX_DATA_DIR') ?? join(xdg('XDG_DATA_HOME', ['.local', 'share']), 'propitbox', 'serve');
}

export function configFile(): string {
  return join(configDir(), 'config.json');
}
