// Remembers which listen session this machine last used per (API, profile, filter, label), so a
// restarted `webhooks listen` picks up the events that arrived while it was offline (the relay holds
// them, bounded). Stored in <stateDir>/listen-sessions.json; losing it only costs the catch-up.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { stateDir } from '../config/paths.js';

export function cursorKey(apiUrl: string, profile: string, events: string[], label: string | undefined): string {
  return [apiUrl, profile, [...events].sort().join(','), label ?? ''].join('|');
}

function file(dir: string): string {
  return join(dir, 'listen-sessions.json');
}

function readAll(dir: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file(dir), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

export function loadSessionId(key: string, dir = stateDir()): string | undefined {
  return readAll(dir)[key];
}

export function saveSessionId(key: string, id: string, dir = stateDir()): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic.sync(file(dir), JSON.stringify({ ...readAll(dir), [key]: id }, null, 2) + '\n', { mode: 0o600 });
  } catch {
    /* best effort */
  }
}
