// RCManager -> relay -> laptop, end to end, with real processes: emulator A plays RCManager (its API
// and delivery engine), `propitbox serve` B is the team relay, `webhooks listen --relay B --ingest
// --register …` makes A deliver to B's ingest URL and forwards what B stores to the seed's handler,
// which verifies the signature A made with the endpoint's secret.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_TYPE_NAMES } from '../../src/domain/event-types.js';
import { startTestEmulator, TEST_API_KEY, type TestEmulator } from '../helpers/emulator.js';
import { isolatedEnv, spawnCli, type LiveCli } from '../helpers/run-cli.js';
import { SERVE_KEY, startServe } from '../helpers/serve.js';
import { waitFor } from '../helpers/wait-for.js';
import { freePort, listenReady, ndjson, startSeedApp } from './ingest-helpers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const REGISTER = 'vehicle.*,maintenance.task.*,parts.*,session.ended';

async function setup() {
  const a: TestEmulator = await startTestEmulator();
  cleanups.push(() => a.close());
  const b = await startServe(mkdtempSync(join(tmpdir(), 'propitbox-relay-')));
  cleanups.push(() => b.live.stop('SIGKILL'));
  const env = isolatedEnv({ PROPITBOX_API_URL: a.url, PROPITBOX_API_KEY: TEST_API_KEY, PROPITBOX_RELAY_URL: b.url, PROPITBOX_RELAY_KEY: SERVE_KEY });
  return { a, b, env };
}

function listen(env: NodeJS.ProcessEnv, appPort: number, envFile: string, extra: string[] = []): LiveCli {
  const live = spawnCli(['webhooks', 'listen', '--ingest', '--register', REGISTER, '--forward-to', `http://127.0.0.1:${appPort}/webhooks/pro-pitbox`, '--write-env', envFile, '--format', 'json', ...extra], { env });
  cleanups.push(() => live.stop('SIGKILL'));
  return live;
}

const endpointsFor = async (a: TestEmulator, url: string) => ((await a.api('GET', '/v1/webhooks?limit=100')).body.data as Array<{ id: string; url: string }>).filter((e) => e.url === url);

describe('RCManager -> relay -> laptop', () => {
  it('all eight types: A signs with the endpoint secret, B stores and relays, listen forwards byte-exact, the seed handler verifies', async () => {
    const { a, b, env } = await setup();
    const appPort = await freePort();
    const envFile = join(mkdtempSync(join(tmpdir(), 'propitbox-app-')), '.env');
    const live = listen(env, appPort, envFile);
    const ready = await listenReady(live);
    expect(ready.ingest_url).toMatch(new RegExp(`^${b.url}/in/[a-z2-7]{26}$`));
    await live.waitForStderr(/Registered endpoint we_\S+ on /);
    const secret = /WEBHOOK_SECRET=(whsec_\S+)/.exec(readFileSync(envFile, 'utf8'))![1];
    const [endpoint] = await endpointsFor(a, ready.ingest_url);
    expect(endpoint).toMatchObject({ url: ready.ingest_url });
    const app = await startSeedApp(appPort, secret);
    cleanups.push(() => app.kill('SIGKILL'));

    const sent: string[] = [];
    for (const type of EVENT_TYPE_NAMES) sent.push((await a.api('POST', '/v1/events', { type })).body.event.id);
    await waitFor(() => ndjson(live).filter((l) => l.kind === 'response' && l.status === 200).length === 8, { what: '8 answers 200 from the seed handler', timeout: 30_000 });
    const events = ndjson(live).filter((l) => l.kind === 'event');
    expect(events.every((e) => e.source === 'ingest' && e.method === 'POST')).toBe(true);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPE_NAMES));
    expect(new Set(events.map((e) => e.event_id))).toEqual(new Set(sent));
    expect(ndjson(live).filter((l) => l.kind === 'response').map((l) => l.status)).toEqual(Array(8).fill(200));
    expect(app.output()).toMatch(/Maintenance scheduled/);

    // A's Event Log: every delivery to the ingest URL succeeded with B's 202.
    await waitFor(async () => {
      const d = (await a.api('GET', `/v1/deliveries?endpoint_id=${endpoint.id}&limit=100`)).body.data as Array<{ status: string; last_status_code: number }>;
      return d.length === 8 && d.every((x) => x.status === 'succeeded' && x.last_status_code === 202);
    });

    // listen exits: the endpoint it registered is deleted from A.
    expect(await live.stop('SIGTERM')).toBe(0);
    expect(live.stderr()).toMatch(/Deleted endpoint we_/);
    expect(await endpointsFor(a, ready.ingest_url)).toEqual([]);
  });

  it('--register after a crash reuses the endpoint it made (never a duplicate), with the same secret', async () => {
    const { a, env } = await setup();
    const appPort = await freePort();
    const envFile = join(mkdtempSync(join(tmpdir(), 'propitbox-app-')), '.env');
    const first = listen(env, appPort, envFile);
    const ready = await listenReady(first);
    await first.waitForStderr(/Registered endpoint/);
    const secret = readFileSync(envFile, 'utf8');
    await first.stop('SIGKILL');
    expect(await endpointsFor(a, ready.ingest_url)).toHaveLength(1);

    const second = listen(env, appPort, envFile, ['--keep-endpoint']);
    const again = await listenReady(second);
    expect(again.ingest_url).toBe(ready.ingest_url); // the profile's channel: the same URL every run
    await second.waitForStderr(/Reusing endpoint we_/);
    expect(readFileSync(envFile, 'utf8')).toBe(secret);
    expect(await endpointsFor(a, ready.ingest_url)).toHaveLength(1);
    expect(await second.stop('SIGTERM')).toBe(0);
    expect(await endpointsFor(a, ready.ingest_url)).toHaveLength(1); // --keep-endpoint
  });
});
