// Modify-and-replay: open a copy of the event body in $VISUAL / $EDITOR and read it back. The only place
// in src/tui that spawns a process. The terminal is handed to the editor for the duration. The spawn is
// synchronous on purpose: with the event loop running, Node would keep reading the shared TTY and steal
// the editor's keystrokes. Forwarding waits meanwhile; the session resumes after its last ack.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '../util/env.js';

export interface EditResult {
  text: string | null;
  /** Why there is no text: the editor failed to start or exited non-zero. */
  error: string | null;
}

export function editorCommand(): string {
  return env('VISUAL') ?? env('EDITOR') ?? 'vi';
}

export function editText(initial: string, name: string): EditResult {
  const dir = mkdtempSync(join(tmpdir(), 'propitbox-edit-'));
  const file = join(dir, `${name.replace(/[^\w.-]/g, '_')}.json`);
  try {
    writeFileSync(file, initial, { mode: 0o600 });
    const cmd = editorCommand();
    // Through the shell so EDITOR="code --wait" works; the path is passed as $1, never interpolated.
    const r = spawnSync('/bin/sh', ['-c', `${cmd} "$1"`, 'sh', file], { stdio: 'inherit' });
    if (r.error) return { text: null, error: `could not start ${cmd}: ${r.error.message}` };
    if (r.status !== 0) return { text: null, error: `${cmd} exited with ${r.status ?? r.signal}` };
    return { text: readFileSync(file, 'utf8'), error: null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
