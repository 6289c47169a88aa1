// The API client (node:http, keep-alive) against a real loopback server: idempotent calls are retried on connection
// errors only; POSTs and HTTP answers never are; timeouts and bodies map to one-line ApiErrors.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/api/client.js';
import { ApiError } from '../../src/api/errors.js';
import { startReceiver, type Receiver, type Reply } from '../helpers/receiver.js';

let rx: Receiver | undefined;
let client: ApiClient | undefined;
afterEach(async () => {
  await client?.close();
  await rx?.close();
  rx = client = undefined;
});

async function setup(replies: Reply[], opts: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) {
  rx = await startReceiver((_req, i) => replies[Math.min(i, replies.length - 1)]);
  client = new ApiClient({ apiUrl: rx.url, apiKey: 'ppk_test_k', ...opts });
  return { rx, client };
}

const okList = { status: 200, body: JSON.stringify({ object: 'list', data: [], has_more: false }), headers: { 'content-type': 'application/json' } };

describe('ApiClient', () => {
  it('retries a GET whose connection was reset, with the key and query on every try', async () => {
    const { rx, client } = await setup([{ status: 0, destroy: true }, okList]);
    await expect(client.get('/v1/webhooks', { limit: 5, starting_after: undefined })).resolves.toMatchObject({ object: 'list' });
    expect(rx.requests).toHaveLength(2);
    expect(rx.requests[1]).toMatchObject({ method: 'GET', path: '/v1/webhooks?limit=5' });
    expect(rx.requests[1].headers.authorization).toBe('Bearer ppk_test_k');
  });

  it('never retries a POST (it may have been applied) and says the API was unreachable', async () => {
    const { rx, client } = await setup([{ status: 0, destroy: true }, okList]);
    const err = await client.post('/v1/events', { type: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/^API unreachable at http:\/\/127\.0\.0\.1:\d+/);
    expect(rx.requests).toHaveLength(1);
  });

  it('never retries an HTTP answer, even a 503', async () => {
    const { rx, client } = await setup([{ status: 503, body: JSON.stringify({ error: { type: 'api_error', code: 'down', message: 'Down for a moment' } }) }, okList]);
    await expect(client.get('/v1/webhooks')).rejects.toThrow('Down for a moment');
    expect(rx.requests).toHaveLength(1);
  });

  it('a slow API is a timeout line, not a hang', async () => {
    const { client } = await setup([{ status: 200, body: '{}', delay: 2_000 }], { timeoutMs: 200, retries: 0 });
    await expect(client.get('/v1/webhooks')).rejects.toThrow(/did not answer within 200 ms/);
  });

  it('a 2xx that is not JSON says to check --api-url', async () => {
    const { client } = await setup([{ status: 200, body: '<html>hello</html>' }]);
    await expect(client.get('/v1/webhooks')).rejects.toThrow(/not JSON: check --api-url/);
  });

  it('without a key nothing is sent', async () => {
    const { rx } = await setup([okList]);
    client = new ApiClient({ apiUrl: rx.url, apiKey: undefined });
    await expect(client.get('/v1/webhooks')).rejects.toThrow('No API key: run `propitbox login` or start `propitbox dev`');
    expect(rx.requests).toHaveLength(0);
  });
});
