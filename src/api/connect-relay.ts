// The relay's client (flags/env/profile resolved), for ingest commands and listen.
import { resolveConfig, type ResolveFlags } from '../config/resolve.js';
import { noRelayKeyError, resolveRelay, type RelayFlags, type ResolvedRelay } from '../config/relay.js';
import { ApiClient } from './client.js';
import { noApiKeyError } from './errors.js';
import { ingestChannels } from './ingest.js';
import { assertHttpUrl } from './url.js';

export interface RelayConnection {
  client: ApiClient;
  relay: ResolvedRelay;
  channels: ReturnType<typeof ingestChannels>;
}

export function connectRelay(flags: ResolveFlags & RelayFlags): RelayConnection {
  const cfg = resolveConfig(flags);
  const relay = resolveRelay(cfg, flags);
  assertHttpUrl(relay.url, relay.isApi ? 'API URL' : 'relay URL');
  if (!relay.key) throw relay.isApi ? noApiKeyError(cfg) : noRelayKeyError(relay);
  const client = new ApiClient({ apiUrl: relay.url, apiKey: relay.key });
  return { client, relay, channels: ingestChannels(client) };
}
