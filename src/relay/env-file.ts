// `--write-env FILE`: set PROPITBOX_WEBHOOK_SECRET in a dotenv file, keeping every other line as is.
// A new file is created 0600 (it holds a secret); an existing file keeps its mode.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UsageError } from '../errors.js';

export const SECRET_ENV_NAME = 'PROPITBOX_WEBHOOK_SECRET';

/** Pure: the new file text. Replaces every existing assignment (also `export NAME=`), else appends one. */
export function upsertEnvLine(text: string, name: string, value: string): string {
  const line = `${name}=${value}`;
  const re = new RegExp(`^(\\s*export\\s+)?${name}\\s*=.*$`);
  const lines = text.length ? text.replace(/\r?\n$/, '').split(/\r?\n/) : [];
  let found = false;
  const out = lines.map((l) => {
    if (!re.test(l)) return l;
    found = true;
    return (/^\s*export\s+/.test(l) ? 'export ' : '') + line;
  });
  if (!found) out.push(line);
  return out.join('\n') + '\n';
}

function cannotWrite(file: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? (e as Error).message);
  return new UsageError(`--write-env: cannot write ${file} (${why}): pick a file in an existing, writable folder, e.g. --write-env .env`);
}

/** Before anything is opened: the file's folder must exist and the path must not be a folder. */
export function checkEnvFile(file: string): void {
  try {
    if (existsSync(file) && statSync(file).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    if (!statSync(dirname(resolve(file))).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOENT' });
  } catch (e) {
    throw cannotWrite(file, e);
  }
}

export function writeEnvSecret(file: string, secret: string, name = SECRET_ENV_NAME): void {
  try {
    const exists = existsSync(file);
    const text = exists ? readFileSync(file, 'utf8') : '';
    writeFileAtomic.sync(file, upsertEnvLine(text, name, secret), exists ? {} : { mode: 0o600 });
  } catch (e) {
    throw cannotWrite(file, e);
  }
}
