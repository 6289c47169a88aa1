// `--write-env FILE`: set PROPITBOX_WEBHOOK_SECRET in a dotenv file, keeping every other line as is.
// A new file is created 0600 (it holds a secret); an existing file keeps its mode.
import { existsSync, readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';

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

export function writeEnvSecret(file: string, secret: string): void {
  const exists = existsSync(file);
  const text = exists ? readFileSync(file, 'utf8') : '';
  writeFileAtomic.sync(file, upsertEnvLine(text, SECRET_ENV_NAME, secret), exists ? {} : { mode: 0o600 });
}
