// Any sender through a `propitbox serve` relay to a local receiver: a GitHub-style signed JSON body,
// form, gzip, binary, duplicate headers and a 9 MiB body arrive with the same bytes (sha256) and the
// same header pairs; requests sent while nobody listens, and across a kill -9 of the relay after its
// 202s, all arrive, in order, when listen connects.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type ReceivedRequest } from '../helpers/receiver.js';
import { isolatedEnv, spawnCli, type LiveCli } from '../helpers/run-cli.js';
import { SERVE_KEY, startServe } from '../helpers/serve.js';
import { fails } from './cli-helpers.js';
import { freePort, listenReady, ndjson } from './ingest-helpers.js';
import { rawRequest } from '../ingest/raw-http.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const HOP = /^(host|connection|keep-alive|transfer-encoding|content-length|x-forwarded-host|x-propitbox-ingest-id)$/i;
const pairsOf = (flat: string[]) => flat.reduce<Array<[string, string]>>((acc, v, i) => (i % 2 ? (acc[acc.length - 1][1] = v, acc) : [...acc, [v, '']]), []);
const endToEnd = (p: Array<[string, string]>) => p.filter(([k]) => !HOP.test(k));

async function relayAndListen(dataDir = mkdtempSync(join(tmpdir(), 'propitbox-relay-')), port?: number) {
  const rx = await startReceiver((req) => ({ status: 200, body: `ok ${req.raw.length}` }));
  cleanups.push(() => rx.close());
  const relay = await startServe(dataDir, undefined, port ? ['--port', String(port)] : ['--ingest-max-body', '16MiB']);
  cleanups.push(() => relay.live.stop('SIGKILL'));
  const env = isolatedEnv({ PROPITBOX_API_URL: 'http://127.0.0.1:9', PROPITBOX_API_KEY: 'ppk_unused', PROPITBOX_RELAY_URL: relay.url, PROPITBOX_RELAY_KEY: SERVE_KEY });
  return { rx, relay, env };
}

function listen(env: NodeJS.ProcessEnv, target: string, extra: string[] = []): LiveCli {
  const live = spawnCli(['webhooks', 'listen', '--ingest', '--keep-path', '--forward-to', target, '--format', 'json', ...extra], { env });
  cleanups.push(() => live.stop('SIGKILL'));
  return live;
}

describe('a foreign sender through the relay', () => {
  it('GitHub-signed JSON, form, gzip, binary, duplicate headers and 9 MiB arrive with the same bytes and header pairs', async () => {
    const { rx, env } = await relayAndListen();
    const live = listen(env, `${rx.url}/local`);
    const { ingest_url: url } = await listenReady(live);
    const ghSecret = 'It’s a Secret to Everybody';
    const ghBody = Buffer.from(JSON.stringify({ action: 'opened', number: 7, pull_request: { title: 'Fix “quotes” & ünïcode', body: null } }, null, 2));
    const cases: Array<{ name: string; method: string; path: string; headers: Array<[string, string]>; body: Buffer }> = [
      {
        name: 'github',
        method: 'POST',
        path: '/github?delivery=1',
        headers: [['User-Agent', 'GitHub-Hookshot/abc'], ['X-GitHub-Event', 'pull_request'], ['X-Hub-Signature-256', `sha256=${createHmac('sha256', ghSecret).update(ghBody).digest('hex')}`], ['Content-Type', 'application/json']],
        body: ghBody,
      },
      { name: 'form', method: 'POST', path: '/form', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: Buffer.from('payload=%7B%22a%22%3A1%7D&sig=%2B%2F%3D&empty=') },
      { name: 'gzip', method: 'PUT', path: '', headers: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], body: gzipSync(JSON.stringify({ big: 'x'.repeat(5000) })) },
      { name: 'binary', method: 'POST', path: '/bin', headers: [['Content-Type', 'application/octet-stream']], body: randomBytes(4096) },
      { name: 'duplicates', method: 'PATCH', path: '/dup', headers: [['X-Trace', 'a'], ['x-trace', 'b'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Trace', 'c']], body: Buffer.from('{}') },
      { name: '9 MiB', method: 'POST', path: '/big', headers: [['Content-Type', 'application/octet-stream']], body: randomBytes(9 * 1024 * 1024) },
    ];
    for (const c of cases) expect((await rawRequest(url + c.path, c.method, c.headers, c.body)).status, c.name).toBe(202);
    await rx.waitForCount(cases.length, 30_000);
    cases.forEach((c, i) => {
      const got: ReceivedRequest = rx.requests[i];
      expect(got.method, c.name).toBe(c.method);
      expect(got.path, c.name).toBe('/local' + c.path);
      expect(sha(got.raw), c.name).toBe(sha(c.body));
      expect(endToEnd(pairsOf(got.rawHeaders)), c.name).toEqual(c.headers);
      expect(got.headers['content-length'], c.name).toBe(String(c.body.length));
      expect(got.headers['x-forwarded-host'], c.name).toBe(new URL(url).host);
      expect(got.headers['x-propitbox-ingest-id'], c.name).toMatch(/^req_/);
      expect(got.headers['x-propitbox-signature'], c.name).toBeUndefined();
    });
    // The receiver checks GitHub's signature over the raw bytes it got, as a real app would.
    const gh = rx.requests[0];
    expect(gh.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', ghSecret).update(gh.raw).digest('hex')}`);
    await waitFor(() => ndjson(live).filter((l) => l.kind === 'response').length === cases.length);
    const events = ndjson(live).filter((l) => l.kind === 'event');
    expect(events.map((e) => e.method)).toEqual(cases.map((c) => c.method));
    expect(events[3].body_base64).toBe(cases[3].body.toString('base64'));
    expect(events[0].body).toBe(ghBody.toString('utf8'));
  });

  it('requests sent while nobody listens, and across a kill -9 of the relay after its 202s, all arrive in order', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'propitbox-relay-'));
    const port = await freePort();
    const { rx, relay, env } = await relayAndListen(dataDir, port);
    // The channel is made (and saved in the profile) by a first listen that then exits.
    const first = listen(env, rx.url);
    const { ingest_url: url } = await listenReady(first);
    expect(await first.stop('SIGTERM')).toBe(0);
    const bodies = Array.from({ length: 40 }, (_, i) => Buffer.from(JSON.stringify({ n: i })));
    for (const b of bodies.slice(0, 20)) expect((await fetch(url, { method: 'POST', body: b })).status).toBe(202);
    await relay.live.stop('SIGKILL');
    const again = await startServe(dataDir, undefined, ['--port', String(port)]);
    cleanups.push(() => again.live.stop('SIGKILL'));
    for (const b of bodies.slice(20)) expect((await fetch(url, { method: 'POST', body: b })).status).toBe(202);
    expect(rx.requests).toHaveLength(0);
    const second = listen(env, rx.url);
    await listenReady(second);
    await rx.waitForCount(40, 30_000);
    expect(rx.requests.map((r) => r.body)).toEqual(bodies.map((b) => b.toString()));
  });

  it('bad input: an unknown channel, --register without --ingest, a relay without its key', async () => {
    const { env } = await relayAndListen();
    await fails(['webhooks', 'listen', '--ingest', 'ich_nope', '--forward-to', 'http://127.0.0.1:9/x'], env, 1, /No ingest channel ich_nope on http:\/\/127\.0\.0\.1:\d+/);
    await fails(['webhooks', 'listen', '--register', 'vehicle.*', '--forward-to', 'http://127.0.0.1:9/x'], env, 2, /--register needs --ingest/);
    await fails(['webhooks', 'listen', '--ingest', '--forward-to', 'http://127.0.0.1:9/x'], { ...env, PROPITBOX_RELAY_KEY: '' }, 2, /No key for the relay at/);
  });
});
