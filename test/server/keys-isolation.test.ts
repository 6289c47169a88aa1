// Keys per developer: two keys made with the admin key, on SQLite and on PostgreSQL. Every route is
// tried by key B on key A's resources (a table that must name every protected route, so a new route
// fails here until it is covered), and the websocket too; a revoked key is refused at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { routesOf } from '../../src/server/access.js';
import { callApi, startTestEmulator, type ApiResponse, type TestEmulator } from '../helpers/emulator.js';
import { freshSchema, pgAvailable, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { openStream } from '../helpers/sse.js';
import { waitFor } from '../helpers/wait-for.js';

const ADMIN = 'admin_key_0123456789abcdef';

interface Backend {
  name: string;
  opts(): Promise<{ databaseUrl?: string; databaseSchema?: string; cleanup(): Promise<void> }>;
}

const backends: Backend[] = [{ name: 'sqlite', opts: async () => ({ cleanup: async () => undefined }) }];
if (pgAvailable()) {
  backends.push({
    name: 'postgres',
    async opts() {
      const s: TestSchema = await freshSchema();
      return { databaseUrl: s.url, databaseSchema: s.schema, cleanup: () => s.drop() };
    },
  });
}

describe.each(backends)('two API keys ($name)', (backend) => {
  let emu: TestEmulator;
  let rx: Receiver;
  let cleanup: () => Promise<void>;
  let keyA: string;
  let keyB: string;
  let idB: string;
  const as = (key: string) => (method: string, path: string, body?: unknown) => callApi(emu.url, method, path, body, { authorization: `Bearer ${key}` });
  let A: ReturnType<typeof as>;
  let B: ReturnType<typeof as>;
  /** Key A's resources. */
  const a = { endpoint: '', event: '', delivery: '', session: '', secret: '', channel: '', request: '', sessionDelivery: '' };
  const sqlite = backend.name === 'sqlite';

  beforeAll(async () => {
    const o = await backend.opts();
    cleanup = o.cleanup;
    rx = await startReceiver();
    emu = await startTestEmulator({ adminKey: ADMIN, databaseUrl: o.databaseUrl, databaseSchema: o.databaseSchema });
    const admin = as(ADMIN);
    const ka = await admin('POST', '/v1/api-keys', { name: 'alice' });
    const kb = await admin('POST', '/v1/api-keys', { name: 'bob' });
    expect(ka.status).toBe(201);
    expect(ka.body.key).toMatch(/^ppk_live_/);
    keyA = ka.body.key;
    keyB = kb.body.key;
    idB = kb.body.id;
    A = as(keyA);
    B = as(keyB);
    a.endpoint = (await A('POST', '/v1/webhooks', { url: `${rx.url}/a`, events: ['*'] })).body.id;
    const s = await A('POST', '/v1/listen-sessions', { events: ['*'] });
    a.session = s.body.id;
    a.secret = s.body.secret;
    const ev = await A('POST', '/v1/events', { type: 'vehicle.created' });
    a.event = ev.body.event.id;
    a.delivery = ev.body.deliveries.find((d: { endpoint_id: string | null }) => d.endpoint_id)!.id;
    a.sessionDelivery = ev.body.deliveries.find((d: { session_id: string | null }) => d.session_id)!.id;
    await waitFor(async () => (await A('GET', `/v1/deliveries/${a.delivery}`)).body.status === 'succeeded', { what: "key A's delivery" });
    if (sqlite) {
      const ch = await A('POST', '/v1/ingest-channels', {});
      a.channel = ch.body.id;
      const sent = await fetch(ch.body.url, { method: 'POST', body: 'hello' });
      a.request = ((await sent.json()) as { id: string }).id;
    }
  });
  afterAll(async () => {
    await emu?.close();
    await rx?.close();
    await cleanup?.();
  });

  it("answers key B on every route as if key A's resources did not exist", async () => {
    const notFound = (r: ApiResponse) => expect([r.status, r.body.error?.code], JSON.stringify(r.body)).toEqual([404, 'resource_missing']);
    // On PostgreSQL ingest URLs answer 501 for everyone (not there yet), never another key's data.
    const ingest = async (r: Promise<ApiResponse>) => (sqlite ? notFound(await r) : expect((await r).status).toBe(501));
    const ids = (r: ApiResponse) => (r.body.data as { id: string }[]).map((x) => x.id);
    const cases: Record<string, () => Promise<unknown>> = {
      'POST /v1/webhooks': async () => {
        const mine = await B('POST', '/v1/webhooks', { url: `${rx.url}/b`, events: ['*'] });
        expect(mine.status).toBe(201);
        expect(ids(await A('GET', '/v1/webhooks'))).not.toContain(mine.body.id);
      },
      'GET /v1/webhooks': async () => expect(ids(await B('GET', '/v1/webhooks'))).not.toContain(a.endpoint),
      'GET /v1/webhooks/:id': async () => notFound(await B('GET', `/v1/webhooks/${a.endpoint}`)),
      'PATCH /v1/webhooks/:id': async () => notFound(await B('PATCH', `/v1/webhooks/${a.endpoint}`, { description: 'mine now' })),
      'DELETE /v1/webhooks/:id': async () => notFound(await B('DELETE', `/v1/webhooks/${a.endpoint}`)),
      'POST /v1/webhooks/:id/enable': async () => notFound(await B('POST', `/v1/webhooks/${a.endpoint}/enable`)),
      'POST /v1/webhooks/:id/disable': async () => notFound(await B('POST', `/v1/webhooks/${a.endpoint}/disable`)),
      'POST /v1/webhooks/:id/rotate-secret': async () => notFound(await B('POST', `/v1/webhooks/${a.endpoint}/rotate-secret`)),
      'GET /v1/webhooks/:id/secret': async () => notFound(await B('GET', `/v1/webhooks/${a.endpoint}/secret`)),
      'POST /v1/webhooks/:id/test': async () => notFound(await B('POST', `/v1/webhooks/${a.endpoint}/test`, { type: 'vehicle.created' })),
      'POST /v1/events': async () => {
        // B's event reaches none of A's endpoints or sessions.
        const r = await B('POST', '/v1/events', { type: 'vehicle.created' });
        expect(r.status).toBe(201);
        expect(r.body.deliveries.map((d: { endpoint_id: string | null; session_id: string | null }) => d.endpoint_id ?? d.session_id)).not.toContain(a.endpoint);
        expect(r.body.deliveries.map((d: { session_id: string | null }) => d.session_id)).not.toContain(a.session);
      },
      'GET /v1/events': async () => expect(ids(await B('GET', '/v1/events'))).not.toContain(a.event),
      'GET /v1/events/:id': async () => notFound(await B('GET', `/v1/events/${a.event}`)),
      'POST /v1/events/:id/resend': async () => notFound(await B('POST', `/v1/events/${a.event}/resend`)),
      'GET /v1/deliveries': async () => {
        expect(ids(await B('GET', '/v1/deliveries?limit=100'))).not.toContain(a.delivery);
        expect((await B('GET', `/v1/deliveries?event_id=${a.event}`)).body.data).toEqual([]);
      },
      'GET /v1/deliveries/:id': async () => notFound(await B('GET', `/v1/deliveries/${a.delivery}`)),
      'POST /v1/deliveries/:id/attempts': async () => notFound(await B('POST', `/v1/deliveries/${a.sessionDelivery}/attempts`, { status_code: 200, duration_ms: 1 })),
      'POST /v1/deliveries/:id/retry': async () => notFound(await B('POST', `/v1/deliveries/${a.delivery}/retry`)),
      'POST /v1/listen-sessions': async () => {
        const mine = await B('POST', '/v1/listen-sessions', { events: ['*'] });
        expect(mine.status).toBe(201);
        expect(mine.body.secret).not.toBe(a.secret);
      },
      'GET /v1/listen-sessions': async () => expect(ids(await B('GET', '/v1/listen-sessions'))).not.toContain(a.session),
      'GET /v1/listen-sessions/:id': async () => notFound(await B('GET', `/v1/listen-sessions/${a.session}`)),
      'DELETE /v1/listen-sessions/:id': async () => notFound(await B('DELETE', `/v1/listen-sessions/${a.session}`)),
      'GET /v1/listen-secret': async () => expect((await B('GET', '/v1/listen-secret')).body.secret).not.toBe(a.secret),
      'POST /v1/listen-secret/rotate': async () => {
        expect((await B('POST', '/v1/listen-secret/rotate')).status).toBe(200);
        expect((await A('GET', '/v1/listen-secret')).body.secret).toBe(a.secret);
      },
      'GET /v1/stream': async () => {
        // B's live stream: B's own event shows, A's (sent first) never does.
        const stream = await openStream(`${emu.url}/v1/stream`, keyB);
        await waitFor(() => stream.text().includes('event: ready'));
        const fromA = (await A('POST', '/v1/events', { type: 'session.ended' })).body.event.id;
        const fromB = (await B('POST', '/v1/events', { type: 'session.ended' })).body.event.id;
        await waitFor(() => stream.text().includes(fromB), { what: "B's event on B's stream" });
        await stream.close();
        expect(stream.text()).not.toContain(fromA);
        expect(stream.text()).not.toContain(a.endpoint);
      },
      'POST /v1/ingest-channels': async () => {
        const r = await B('POST', '/v1/ingest-channels', {});
        if (!sqlite) return expect(r.status).toBe(501);
        expect(ids(await A('GET', '/v1/ingest-channels'))).not.toContain(r.body.id);
      },
      'GET /v1/ingest-channels': async () => {
        const r = await B('GET', '/v1/ingest-channels');
        if (!sqlite) return expect(r.status).toBe(501);
        expect(ids(r)).not.toContain(a.channel);
      },
      'GET /v1/ingest-channels/:id': () => ingest(B('GET', `/v1/ingest-channels/${a.channel || 'ich_x'}`)),
      'PATCH /v1/ingest-channels/:id': () => ingest(B('PATCH', `/v1/ingest-channels/${a.channel || 'ich_x'}`, { description: 'mine' })),
      'DELETE /v1/ingest-channels/:id': () => ingest(B('DELETE', `/v1/ingest-channels/${a.channel || 'ich_x'}`)),
      'POST /v1/ingest-channels/:id/rotate-url': () => ingest(B('POST', `/v1/ingest-channels/${a.channel || 'ich_x'}/rotate-url`)),
      'GET /v1/ingest-channels/:id/requests': () => ingest(B('GET', `/v1/ingest-channels/${a.channel || 'ich_x'}/requests`)),
      'GET /v1/ingest-requests/:id': () => ingest(B('GET', `/v1/ingest-requests/${a.request || 'req_x'}`)),
      'GET /v1/stats': async () => {
        // B's totals count B's attempts only: as many as B's own deliveries made.
        const attemptsOf = async (key: typeof A) => ((await key('GET', '/v1/deliveries?limit=100')).body.data as { attempt_count: number }[]).reduce((n, d) => n + d.attempt_count, 0);
        await waitFor(async () => (await B('GET', '/v1/stats?window=1h&bucket=10m')).body.total.attempts === (await attemptsOf(B)), { what: "B's stats = B's attempts" });
        await waitFor(async () => (await A('GET', '/v1/stats?window=1h&bucket=10m')).body.total.attempts === (await attemptsOf(A)), { what: "A's stats = A's attempts" });
        notFound(await B('GET', `/v1/stats?window=1h&bucket=10m&endpoint=${a.endpoint}`));
      },
    };
    const admin = new Set(['POST /v1/api-keys', 'GET /v1/api-keys', 'DELETE /v1/api-keys/:id']);
    const onPg = new Set(['/v1/ingest-channels', '/v1/ingest-channels/*', '/v1/ingest-requests/*']);
    const routes = routesOf(emu.emulator.app)
      .filter((r) => !r.public && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !admin.has(k) && !onPg.has(k.split(' ')[1]));
    expect(routes.filter((k) => !(k in cases)), 'routes with no isolation case: add them to the table').toEqual([]);
    for (const [route, check] of Object.entries(cases)) {
      try {
        await check();
      } catch (err) {
        throw new Error(`${route}: ${(err as Error).message}`);
      }
    }
    // Key A's data is untouched after all of B's tries.
    expect((await A('GET', `/v1/webhooks/${a.endpoint}`)).body).toMatchObject({ id: a.endpoint, status: 'enabled', description: null });
    expect((await A('GET', `/v1/listen-sessions/${a.session}`)).status).toBe(200);
  });

  it("keeps key B off key A's websocket (404) and out of the admin routes; the admin key reaches no data", async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${emu.url.replace('http', 'ws')}/v1/listen-sessions/${a.session}/ws`, { headers: { authorization: `Bearer ${keyB}` } });
      ws.on('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(404);
    expect((await B('GET', '/v1/api-keys')).status).toBe(401);
    expect((await as(ADMIN)('GET', '/v1/webhooks')).status).toBe(401);
    expect((await as(ADMIN)('GET', '/v1/api-keys')).body.data.map((k: { name: string }) => k.name).sort()).toEqual(['alice', 'bob']);
  });

  it('refuses a revoked key at once and closes its listen connection', async () => {
    const s = await B('POST', '/v1/listen-sessions', { events: ['*'] });
    const ws = new WebSocket(s.body.ws_url, { headers: { authorization: `Bearer ${keyB}` } });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    ws.send(JSON.stringify({ t: 'hello', v: 1, last_seq: null }));
    expect((await as(ADMIN)('DELETE', `/v1/api-keys/${idB}`)).body).toEqual({ id: idB, object: 'api_key', deleted: true });
    expect((await B('GET', '/v1/webhooks')).status).toBe(401);
    expect(await closed).toBe(4403);
    expect((await A('GET', '/v1/webhooks')).status).toBe(200);
    expect((await as(ADMIN)('DELETE', `/v1/api-keys/${idB}`)).status).toBe(404);
  });
});
