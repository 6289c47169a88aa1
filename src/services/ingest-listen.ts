// `webhooks listen --ingest [--register EVENTS]`: which channel to listen to (the profile's default one,
// created on first use, so its URL stays the same run after run), and the endpoint that makes the API
// (e.g. the real RCManager) deliver to that URL: created through the seed's POST /v1/webhooks, reused
// when a crashed run left it behind (same URL), deleted on exit unless kept.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { ingestChannels } from '../api/ingest.js';
import { webhooks } from '../api/resources.js';
import { stateDir } from '../config/paths.js';
import { readConfig, updateProfile } from '../config/store.js';
import type { IngestChannel } from '../contract/ingest.js';
import type { Endpoint } from '../contract/v1.js';
import { FailedError } from '../errors.js';

export interface RegisterOptions {
  apiUrl: string;
  apiKey: string;
  events: string[];
  /** Leave the endpoint on the API when listen exits. */
  keep: boolean;
}

export interface Registered {
  endpoint: Endpoint;
  secret: string;
  reused: boolean;
}

const is404 = (e: unknown) => e instanceof ApiError && e.status === 404;

/** The channel to listen to: the one named, else the profile's default (created and saved on first use). */
export async function resolveChannel(relay: { url: string; key: string }, profile: string, requested: string | true, note: (line: string) => void): Promise<IngestChannel> {
  const client = new ApiClient({ apiUrl: relay.url, apiKey: relay.key });
  const channels = ingestChannels(client);
  try {
    if (typeof requested === 'string') {
      try {
        return await channels.get(requested);
      } catch (e) {
        if (is404(e)) throw new FailedError(`No ingest channel ${requested} on ${relay.url}`, 'list yours with `propitbox ingest list`, or pass --ingest alone for your default channel');
        throw e;
      }
    }
    const saved = readConfig().profiles[profile]?.ingest_channel;
    if (saved) {
      try {
        return await channels.get(saved);
      } catch (e) {
        if (!is404(e)) throw e;
        note(`The saved ingest channel ${saved} is not on ${relay.url} (deleted, or another relay): creating a new one, with a new URL`);
      }
    }
    const created = await channels.create({ description: `propitbox webhooks listen (profile ${profile})` });
    try {
      updateProfile(profile, { ingest_channel: created.id });
    } catch {
      note(`Could not save the ingest channel in profile '${profile}': pass --ingest ${created.id} next time to keep this URL`);
    }
    return created;
  } finally {
    await client.close();
  }
}

/** An endpoint on the API delivering `events` to `url`: the one a previous run left, or a new one. */
export async function registerEndpoint(o: RegisterOptions, url: string): Promise<Registered> {
  const client = new ApiClient({ apiUrl: o.apiUrl, apiKey: o.apiKey });
  const api = webhooks(client);
  try {
    const existing = await findByUrl(api, url);
    if (!existing) {
      const endpoint = await api.create({ url, events: o.events, description: 'propitbox webhooks listen --ingest --register' });
      saveSecret(endpoint.id, o.apiUrl, endpoint.secret!);
      return { endpoint, secret: endpoint.secret!, reused: false };
    }
    let endpoint = existing;
    const same = existing.events.length === o.events.length && existing.events.every((e) => o.events.includes(e));
    if (!same || existing.status !== 'enabled') endpoint = await api.update(existing.id, { events: o.events, status: 'enabled' });
    const secret = savedSecret(existing.id, o.apiUrl) ?? (await api.secret(existing.id).then((s) => s.secret).catch(() => null)) ?? (await api.rotateSecret(existing.id)).secret!;
    saveSecret(existing.id, o.apiUrl, secret);
    return { endpoint, secret, reused: true };
  } finally {
    await client.close();
  }
}

export async function unregisterEndpoint(o: RegisterOptions, id: string): Promise<void> {
  const client = new ApiClient({ apiUrl: o.apiUrl, apiKey: o.apiKey });
  try {
    await webhooks(client).delete(id).catch((e) => {
      if (!is404(e)) throw e;
    });
    forgetSecret(id);
  } finally {
    await client.close();
  }
}

async function findByUrl(api: ReturnType<typeof webhooks>, url: string): Promise<Endpoint | null> {
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const list = await api.list({ limit: 100, starting_after: after });
    const hit = list.data.find((e) => e.url === url);
    if (hit) return hit;
    if (!list.has_more || !list.data.length) return null;
    after = list.data.at(-1)!.id;
  }
  return null;
}

// The signing secret of each endpoint a run registered, so a run after a crash can reuse the endpoint
// (the API shows a secret only on create and rotate). <state dir>/registered-endpoints.json, 0600.
type Saved = Record<string, { api_url: string; secret: string }>;

function secretsFile(): string {
  return join(stateDir(), 'registered-endpoints.json');
}

function readSaved(): Saved {
  try {
    return JSON.parse(readFileSync(secretsFile(), 'utf8')) as Saved;
  } catch {
    return {};
  }
}

function writeSaved(s: Saved): void {
  try {
    mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
    writeFileAtomic.sync(secretsFile(), JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
  } catch {
    /* best effort: without it a reused endpoint gets its secret from the API */
  }
}

function savedSecret(id: string, apiUrl: string): string | null {
  const s = readSaved()[id];
  return s && s.api_url === apiUrl ? s.secret : null;
}

function saveSecret(id: string, apiUrl: string, secret: string): void {
  writeSaved({ ...readSaved(), [id]: { api_url: apiUrl, secret } });
}

function forgetSecret(id: string): void {
  const s = readSaved();
  delete s[id];
  writeSaved(s);
}
