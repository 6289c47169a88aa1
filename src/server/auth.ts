// API keys. A server has up to three kinds:
// - the single key of `dev` (created on first start, ppk_test_…, kept in the data dir) or `serve --api-key`:
//   it owns DEFAULT_OWNER's data;
// - per-developer keys (ppk_live_…) made with the admin key (POST /v1/api-keys), stored hashed: each
//   owns its own data (owner = the key's id);
// - the admin key (`serve --admin-key`): manages keys only, reaches no data.
// Looked-up keys are cached per node; a 'keys' notification (a key created or revoked on any node)
// empties the cache, so a revoked key is refused at once everywhere, and entries expire anyway.
import { createHash, randomBytes } from 'node:crypto';
import { safeEqual } from '../signing/sign.js';
import type { Db } from './db/open.js';
import { unauthorized } from './errors.js';
import { DEFAULT_OWNER, type KeysStore, type Notifier } from './store/store.js';

export const API_KEY_PREFIX = 'ppk_test_';
export const DEVELOPER_KEY_PREFIX = 'ppk_live_';

/** A cached lookup holds this long at most (the notification normally empties it first). */
const CACHE_MS = 10_000;
const CACHE_MAX = 10_000;

export interface Auth {
  /** The single key (dev's, or serve --api-key), or undefined. */
  apiKey: string | undefined;
  /** The owner a valid key acts for, or null (a promise when the key must be looked up). */
  ownerOf(key: string): string | null | Promise<string | null>;
  /** The request's owner; throws (or rejects with) the API's 401 unless it carries a valid key (`Authorization: Bearer …`). */
  authenticate(req: { headers: Record<string, string | string[] | undefined> }): string | Promise<string>;
  /** Throws the API's 401 unless the request carries the admin key. */
  authenticateAdmin(req: { headers: Record<string, string | string[] | undefined> }): void;
  readonly hasAdmin: boolean;
  close(): void;
}

export interface AuthOptions {
  apiKey?: string;
  adminKey?: string;
  keys?: KeysStore;
  notifier?: Notifier;
}

const MISSING = 'Missing API key: send `Authorization: Bearer <key>`; run `propitbox login` or use the key printed by `propitbox dev`';
const INVALID = 'Invalid API key: run `propitbox login` or use the key printed by `propitbox dev`';

export function keyHashOf(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function createAuth(o: AuthOptions | string): Auth {
  const { apiKey, adminKey, keys, notifier } = typeof o === 'string' ? { apiKey: o } : o;
  const cache = new Map<string, { owner: string | null; until: number }>();
  const clear = () => cache.clear();
  notifier?.on('keys', clear);
  const isSingle = (key: string) => apiKey !== undefined && safeEqual(key, apiKey);
  const isAdmin = (key: string) => adminKey !== undefined && safeEqual(key, adminKey);

  const ownerOf = (key: string): string | null | Promise<string | null> => {
    if (typeof key !== 'string' || key.length === 0) return null;
    if (isSingle(key)) return DEFAULT_OWNER;
    if (!keys || !key.startsWith(DEVELOPER_KEY_PREFIX)) return null;
    const hash = keyHashOf(key);
    const hit = cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.owner;
    return keys.byHash(hash).then((rec) => {
      if (cache.size >= CACHE_MAX) cache.clear();
      const owner = rec ? rec.id : null;
      cache.set(hash, { owner, until: Date.now() + CACHE_MS });
      return owner;
    });
  };

  const refuse = (owner: string | null, key: string): string => {
    if (owner) return owner;
    if (isAdmin(key)) throw unauthorized('The admin key only manages API keys (POST /v1/api-keys): use a developer key for this');
    throw unauthorized(INVALID);
  };

  return {
    apiKey,
    hasAdmin: adminKey !== undefined,
    ownerOf,
    authenticate(req) {
      const key = bearerToken(req.headers.authorization);
      if (key === null) throw unauthorized(MISSING);
      const owner = ownerOf(key);
      return owner instanceof Promise ? owner.then((o) => refuse(o, key)) : refuse(owner, key);
    },
    authenticateAdmin(req) {
      const key = bearerToken(req.headers.authorization);
      if (key === null) throw unauthorized('Missing admin key: send `Authorization: Bearer <admin key>` (the one given to `propitbox serve --admin-key`)');
      if (!isAdmin(key)) throw unauthorized('Invalid admin key: API keys are managed with the key given to `propitbox serve --admin-key`');
    },
    close: () => notifier?.off('keys', clear),
  };
}

export function bearerToken(header: string | string[] | undefined): string | null {
  const h = Array.isArray(header) ? header[0] : header;
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m ? m[1] : null;
}

export function generateApiKey(prefix = API_KEY_PREFIX): string {
  return prefix + randomBytes(24).toString('base64url');
}

/** The key stored in the data dir, created on first start. */
export function storedApiKey(db: Db): string {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'api_key'").get() as { value: string } | undefined;
  if (row) return row.value;
  const key = generateApiKey();
  db.prepare("INSERT INTO meta (key, value) VALUES ('api_key', ?)").run(key);
  return key;
}
