// Resolve flags/env/profile into a ready client (the one entry point commands use).
import { resolveConfig, type ResolveFlags, type ResolvedConfig } from '../config/resolve.js';
import { UsageError } from '../cli/errors.js';
import { ApiClient } from './client.js';
import { deliveries, events, webhooks } from './resources.js';
import { noApiKeyError } from './errors.js';

export interface Api {
  client: ApiClient;
  config: ResolvedConfig;
  webhooks: ReturnType<typeof webhooks>;
  events: ReturnType<typeof events>;
  deliveries: ReturnType<typeof deliveries>;
  close(): Promise<void>;
}

export function assertHttpUrl(value: string, what: string): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${what} '${value}' is not a valid URL: use http://… or https://…`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`${what} '${value}' must be http:// or https://, not ${u.protocol}`);
}

export function connect(flags: ResolveFlags, opts: { requireKey?: boolean } = {}): Api {
  const config = resolveConfig(flags);
  assertHttpUrl(config.apiUrl, 'API URL');
  if (opts.requireKey !== false && !config.apiKey) throw noApiKeyError();
  const client = new ApiClient({ apiUrl: config.apiUrl, apiKey: config.apiKey });
  return {
    client,
    config,
    webhooks: webhooks(client),
    events: events(client),
    deliveries: deliveries(client),
    close: () => client.close(),
  };
}
