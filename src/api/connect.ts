// Resolve flags/env/profile into a ready client (the one entry point commands use).
import { resolveConfig, type ResolveFlags, type ResolvedConfig } from '../config/resolve.js';
import { assertHttpUrl } from './url.js';
import { ApiClient } from './client.js';
import { deliveries, events, listenSessions, webhooks } from './resources.js';
import { noApiKeyError } from './errors.js';

export { assertHttpUrl };

export interface Api {
  client: ApiClient;
  config: ResolvedConfig;
  webhooks: ReturnType<typeof webhooks>;
  events: ReturnType<typeof events>;
  deliveries: ReturnType<typeof deliveries>;
  sessions: ReturnType<typeof listenSessions>;
  close(): Promise<void>;
}

export function connect(flags: ResolveFlags, opts: { requireKey?: boolean } = {}): Api {
  const config = resolveConfig(flags);
  assertHttpUrl(config.apiUrl, 'API URL');
  if (opts.requireKey !== false && !config.apiKey) throw noApiKeyError(config);
  const client = new ApiClient({ apiUrl: config.apiUrl, apiKey: config.apiKey });
  return {
    client,
    config,
    webhooks: webhooks(client),
    events: events(client),
    deliveries: deliveries(client),
    sessions: listenSessions(client),
    close: () => client.close(),
  };
}
