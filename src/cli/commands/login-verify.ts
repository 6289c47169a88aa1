// Checks a key with one cheap authenticated call. A 401 is fatal (the key is wrong: save nothing);
// an unreachable API is not (you may log in before starting `propitbox dev`, or offline).
import { ApiClient } from '../../api/client.js';
import { ApiError } from '../../api/errors.js';

export async function verifyKey(apiUrl: string, apiKey: string): Promise<string> {
  const client = new ApiClient({ apiUrl, apiKey, timeoutMs: 10_000, retries: 0 });
  try {
    await client.get('/v1/webhooks', { limit: 1 });
    return `Verified: the key works against ${apiUrl}.`;
  } catch (e) {
    // Not the generic 401 line ("run `propitbox login`"): this is login, the key itself is wrong.
    if (e instanceof ApiError && e.status === 401) throw new ApiError(`${apiUrl} rejected this API key (401): check the key (and --api-url); nothing was saved`, 401, e.type, e.code);
    if (e instanceof ApiError && e.type === 'connection_error') return `Could not reach ${apiUrl} to verify the key (${e.code}); saved it anyway.`;
    return `Could not verify the key against ${apiUrl} (${e instanceof Error ? e.message : String(e)}); saved it anyway.`;
  } finally {
    await client.close();
  }
}
