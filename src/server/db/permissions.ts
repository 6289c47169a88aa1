// The data dir holds the API key and every endpoint's signing secret: only its owner may read it.
// New: the folder is created 0700 and the database 0600 before SQLite opens it (SQLite gives its
// -wal/-shm files the database file's mode). Existing: a looser folder or file is tightened, and the
// caller says so once.
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Create or tighten `dir` and its entries (not recursive: SQLite keeps its files at the top). */
export function secureDataDir(dir: string): string[] {
  const changed: string[] = [];
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  tighten(dir, 'the folder', changed);
  for (const name of readdirSync(dir)) tighten(join(dir, name), name, changed);
  return changed;
}

/** Create `file` empty with mode 0600 if it does not exist (no-op otherwise). */
export function createPrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'wx', FILE_MODE));
}

/** Removes group/other bits; symlinks are left alone (their target may be anyone's). */
function tighten(path: string, label: string, changed: string[]): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink() || (st.mode & 0o077) === 0) return;
  const mode = st.mode & 0o777;
  const next = st.isDirectory() ? mode & DIR_MODE : mode & FILE_MODE;
  try {
    chmodSync(path, next);
    changed.push(`${label} ${octal(mode)} -> ${octal(next)}`);
  } catch (err) {
    changed.push(`${label} is ${octal(mode)} and could not be changed (${(err as NodeJS.ErrnoException).code}): run chmod ${octal(next)} on it`);
  }
}

function octal(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}
