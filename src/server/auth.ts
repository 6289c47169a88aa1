// API keys: the emulator accepts exactly one Bearer key, created on first start (ppk_test_…) and kept
// in the data dir's database, or the one given with --api-key / PROPITBOX_API_KEY. A key maps to the
// owner of the data it reaches (DEFAULT_OWNER for this single key).
import { randomBytes } from 'node:crypto';
import { safeEqual } from '../signing/sign.js';
import type { Db } from './db/open.js';
import { unauthorized } from './errors.js';
import { DEFAULT_OWNER } from './store/store.js';

export const API_KEY_PREFIX = 'ppk_test_';

export interface Auth {
  apiKey: string;
  isValidApiKey(key: string): boolean;
  /** The owner a valid key acts for, or null (a promise when the key must be looked up). */
  ownerOf(key: string): string | null | Promise<string | null>;
  /** The request's owner; throws (or rejects with) the API's 401 unless it carries a valid key (`Authorization: Bearer …`). */
  authenticate(req: { headers: Record<string, string | string[] | undefined> }): string | Promise<string>;
}

export function createAuth(apiKey: string): Auth {
  const isValidApiKey = (key: string) => typeof key === 'string' && key.length > 0 && safeEqual(key, apiKey);
  return {
    apiKey,
    isValidApiKey,
    ownerOf: (key) => (isValidApiKey(key) ? DEFAULT_OWNER : null),
    authenticate(req) {
      const key = bearerToken(req.headers.authorization);
      if (key === null) throw unauthorized('Missing API key: send `Authorization: Bearer <key>`; run `propitbox login` or use the key printed by `propitbox dev`');
      if (!isValidApiKey(key)) throw unauthorized('Invalid API key: run `propitbox login` or use the key printed by `propitbox dev`');
      return DEFAULT_OWNER;
    },
  };
}

export function bearerToken(header: string | string[] | undefined): string | null {
  const h = Array.isArray(header) ? header[0] : header;
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m ? m[1] : null;
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(24).toString('base64url');
}

/** The key stored in the data dir, created on first start. */
export function storedApiKey(db: Db): string {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'api_key'").get() as { value: string } | undefined;
  if (row) return row.value;
  const key = generateApiKey();
  db.prepare("INSERT INTO meta (key, value) VALUES ('api_key', ?)").run(key);
  return key;
}
