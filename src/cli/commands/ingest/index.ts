// `propitbox ingest …`: ingest channels (public URLs any sender POSTs to) and what they received, on
// the relay (--relay / PROPITBOX_RELAY_URL / profile relay_url; default: the API).
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, globals, group, inheritedText } from '../shared.js';
import { registerIngestCreate } from './create.js';
import { registerIngestList } from './list.js';
import { registerIngestGet } from './get.js';
import { registerIngestRotate } from './rotate-url.js';
import { registerIngestDelete } from './delete.js';
import { registerIngestRequests } from './requests.js';
import { registerIngestShow } from './show.js';

export type IngestApi = ReturnType<typeof import('../../../api/ingest.js').ingestChannels>;

/** Run `fn` against the relay's ingest API with the right key; always closes the client. */
export async function withRelay<T>(cmd: CommandUnknownOpts, fn: (api: IngestApi) => Promise<T>): Promise<T> {
  const { connectRelay } = await import('../../../api/connect-relay.js');
  const { client, channels } = connectRelay({ ...globals(cmd), relay: inheritedText(cmd, 'relay'), relayKey: inheritedText(cmd, 'relayKey') });
  try {
    return await fn(channels);
  } finally {
    await client.close();
  }
}

export function registerIngest(program: CommandUnknownOpts): void {
  const g = group(program, 'ingest', 'ingest URLs: public URLs any sender (RCManager, GitHub, …) can POST to, relayed to `webhooks listen`')
    .option('--relay <url>', 'the propitbox server hosting channels (env PROPITBOX_RELAY_URL; default: the API URL)')
    .option('--relay-key <key>', "the relay's API key (env PROPITBOX_RELAY_KEY)");
  g.addHelpText(
    'after',
    `
A channel's URL (<relay>/in/<token>) takes any method, path suffix, query, content type and body; the
relay stores the raw request and answers 202 {"id":"req_…"} at once. \`webhooks listen --ingest\`
forwards stored requests byte-exact, with the sender's own headers, to your local app.
The URL is a write-only 128-bit capability: knowing it lets one send, never read. Rotate it if it leaks.
${examples(
  'propitbox ingest create --description "GitHub on my laptop"',
  'propitbox ingest list',
  'propitbox ingest requests ich_123',
  'propitbox ingest show req_123',
  'propitbox ingest rotate-url ich_123',
  'propitbox --api-url https://api.pro-pitbox.com ingest list --relay https://relay.example.com --relay-key "$RELAY_KEY"',
)}`,
  );
  registerIngestCreate(g);
  registerIngestList(g);
  registerIngestGet(g);
  registerIngestRotate(g);
  registerIngestDelete(g);
  registerIngestRequests(g);
  registerIngestShow(g);
}
