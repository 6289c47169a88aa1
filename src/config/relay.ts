// Which propitbox server hosts listen sessions and ingest channels ("the relay"), with which key:
// --relay / --relay-key > PROPITBOX_RELAY_URL / PROPITBOX_RELAY_KEY > the profile's relay_url /
// relay_key > the API itself (the emulator does both). A relay that is not the API never gets the API
// key: it is another server, so it needs its own key.
import { UsageError } from '../errors.js';
import { env } from '../util/env.js';
import type { ResolvedConfig } from './resolve.js';

export interface RelayFlags {
  relay?: string;
  relayKey?: string;
}

export interface ResolvedRelay {
  url: string;
  key: string | undefined;
  /** true when the relay is the API (no --relay anywhere). */
  isApi: boolean;
}

export function resolveRelay(cfg: Pick<ResolvedConfig, 'apiUrl' | 'apiKey' | 'profile'>, flags: RelayFlags): ResolvedRelay {
  const given = flags.relay ?? env('PROPITBOX_RELAY_URL') ?? cfg.profile.relay_url;
  const url = (given ?? cfg.apiUrl).replace(/\/+$/, '');
  const isApi = url === cfg.apiUrl;
  const key = flags.relayKey ?? env('PROPITBOX_RELAY_KEY') ?? cfg.profile.relay_key ?? (isApi ? cfg.apiKey : undefined);
  return { url, key, isApi };
}

export function noRelayKeyError(relay: ResolvedRelay): UsageError {
  return new UsageError(`No key for the relay at ${relay.url}: pass --relay-key KEY or set PROPITBOX_RELAY_KEY`, 'the relay is another server than the API, so the API key is never sent to it');
}
