// Auth is decided on the route the router matched, never on the URL's text: every protected route,
// enumerated from the app (so a new route is covered automatically), under every spelling of its path
// that the router might fold onto it, answers 401/404 in the error shape without a key, never 2xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf, type RouteInfo } from '../../src/server/access.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isErrorShape, rawRequest, type RawResponse } from '../helpers/raw-http.js';

let emu: TestEmulator;
let ids: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: { perSecond: 1e9, burst: 1e9 } });
  const ep = (await emu.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['*'] })).body;
  const sent = (await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: { vehicle_id: 'veh_1' } })).body;
  const ls = (await emu.api('POST', '/v1/listen-sessions', {})).body;
  ids = { webhooks: ep.id, events: sent.event.id, deliveries: sent.deliveries[0].id, 'listen-sessions': ls.id };
});
afterAll(() => emu.close());

/** The route's path with real ids, so a bypass would really answer with data. */
function concrete(r: RouteInfo): string {
  return r.url.replace(/\/:id/, (_m) => `/${ids[r.url.split('/')[2]] ?? 'x_1'}`).replace(/\*$/, 'anything');
}

/** Spellings of /v1/… that decode, normalize or strip to the same route (or that a router might). */
function variants(path: string, port: number): string[] {
  const rest = path.slice(3); // after "/v1"
  return [
    `/%761${rest}`,
    `/v%31${rest}`,
    `/%76%31${rest}`,
    `/%56%31${rest}`,
    `/V1${rest}`,
    `//v1${rest}`,
    `/x/..${path}`,
    `/./v1${rest}`,
    `/v1/.${rest}`,
    `/v1${rest.replace(/^\//, '%2F')}`,
    `/v1${rest.replace(/^\/(.)/, (_m, c: string) => `/%${c.charCodeAt(0).toString(16)}`)}`,
    `${path}%00`,
    `${path}/`,
    `${path}?`,
    `${path};x`,
    `http://127.0.0.1:${port}${path}`,
    `http://127.0.0.1:${port}/%761${rest}`,
    `HTTP://LOCALHOST:${port}${path}`,
  ];
}

const protectedRoutes = () => routesOf(emu.emulator.app).filter((r) => !r.public);

function send(r: RouteInfo, target: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const hasBody = r.method === 'POST' || r.method === 'PATCH' || r.method === 'PUT';
  return rawRequest(emu.emulator.port, { method: r.method, target, headers: hasBody ? { 'content-type': 'application/json', ...headers } : headers, body: hasBody ? '{}' : undefined });
}

function expectDenied(res: RawResponse, r: RouteInfo, target: string) {
  const what = `${r.method} ${target} -> ${res.status} ${res.body.slice(0, 120)}`;
  expect([400, 401, 404], what).toContain(res.status);
  if (r.method !== 'HEAD') expect(isErrorShape(res.body), what).toBe(true);
  expect(res.body, what).not.toMatch(/whsec_|ppk_test_|"object":"list"/);
}

describe('auth by matched route, deny by default', () => {
  it('the app has the routes this test expects to protect (enumeration works)', () => {
    const urls = protectedRoutes().map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain('GET /v1/webhooks/:id/secret');
    expect(urls).toContain('PATCH /v1/webhooks/:id');
    expect(urls).toContain('GET /v1/stream');
    expect(urls).toContain('HEAD /v1/webhooks/:id/secret');
    expect(urls.length).toBeGreaterThanOrEqual(24);
    // Public only by declaration: health, the dashboard's files and ingest URLs.
    const open = routesOf(emu.emulator.app).filter((r) => r.public).map((r) => r.url);
    expect(new Set(open)).toEqual(new Set(['/v1/health', '/', '/index.html', '/assets/*', '/*', '/in/:token', '/in/:token/*']));
  });

  it('every protected route answers 401 in the error shape without a key, and with a wrong one', async () => {
    for (const r of protectedRoutes()) {
      const res = await send(r, concrete(r));
      expectDenied(res, r, concrete(r));
      expect(res.status, `${r.method} ${r.url}`).toBe(401);
      expect((await send(r, concrete(r), { authorization: 'Bearer ppk_test_wrong' })).status).toBe(401);
      expect((await send(r, concrete(r), { authorization: `Basic ${emu.apiKey}` })).status).toBe(401);
    }
  });

  it('no encoded, dot-segment, double-slash, mixed-case, NUL or absolute-form spelling gets past the key check', async () => {
    let tried = 0;
    for (const r of protectedRoutes()) {
      for (const target of variants(concrete(r), emu.emulator.port)) {
        expectDenied(await send(r, target), r, target);
        tried++;
      }
    }
    expect(tried).toBeGreaterThanOrEqual(24 * 18);
  });

  it('with the key, the encoded spellings reach the same route (so they were really tried above)', async () => {
    const auth = { authorization: `Bearer ${emu.apiKey}` };
    const secret = (await emu.api('GET', `/v1/webhooks/${ids.webhooks}/secret`)).body.secret;
    const r: RouteInfo = { method: 'GET', url: '/v1/webhooks/:id/secret', public: false, bodyFields: [], queryFields: [] };
    for (const target of [`/%761/webhooks/${ids.webhooks}/secret`, `http://127.0.0.1:${emu.emulator.port}/v1/webhooks/${ids.webhooks}/secret`]) {
      const res = await send(r, target, auth);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ secret });
    }
  });

  it('the live SSE stream needs the key under every spelling too', async () => {
    const r: RouteInfo = { method: 'GET', url: '/v1/stream', public: false, bodyFields: [], queryFields: [] };
    for (const target of ['/v1/stream', ...variants('/v1/stream', emu.emulator.port)]) expectDenied(await send(r, target), r, target);
    const ok = await send(r, '/%761/stream', { authorization: `Bearer ${emu.apiKey}` });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/event-stream/);
  });

  it('an unmatched path under the API is a 404 in the error shape that leaks nothing, with or without a key', async () => {
    for (const target of ['/v1/nope', '/%761/nope', '/v1/webhooks/x/y/z', '/v1']) {
      for (const method of ['GET', 'POST', 'DELETE', 'PUT', 'OPTIONS']) {
        const res = await rawRequest(emu.emulator.port, { method, target, headers: { accept: 'text/html' } });
        expect(res.status, `${method} ${target}`).toBe(404);
        expect(isErrorShape(res.body)).toBe(true);
        expect(JSON.parse(res.body).error.code).toBe('route_not_found');
      }
    }
  });

  it('the websocket upgrade checks the key on the exact path; other spellings are a 404, never an upgrade', async () => {
    const id = ids['listen-sessions'];
    const ws = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    const path = `/v1/listen-sessions/${id}/ws`;
    for (const target of [path, ...variants(path, emu.emulator.port)]) {
      const res = await rawRequest(emu.emulator.port, { method: 'GET', target, headers: ws });
      expect([401, 404], `${target} -> ${res.status}`).toContain(res.status);
      expect(isErrorShape(res.body), target).toBe(true);
    }
    expect((await rawRequest(emu.emulator.port, { method: 'GET', target: path, headers: { ...ws, authorization: 'Bearer ppk_test_wrong' } })).status).toBe(401);
    const ok = await rawRequest(emu.emulator.port, { method: 'GET', target: path, headers: { ...ws, authorization: `Bearer ${emu.apiKey}` } });
    expect(ok.status).toBe(101);
  });
});

describe('the rate limiter goes by the matched route too', () => {
  let limited: TestEmulator;
  beforeAll(async () => {
    limited = await startTestEmulator({ rateLimit: { perSecond: 0.001, burst: 2 } });
  });
  afterAll(() => limited.close());

  it('an encoded spelling of a protected route takes a token like the plain one', async () => {
    const auth = { authorization: `Bearer ${limited.apiKey}` };
    expect((await rawRequest(limited.emulator.port, { method: 'GET', target: '/v1/webhooks', headers: auth })).status).toBe(200);
    expect((await rawRequest(limited.emulator.port, { method: 'GET', target: '/%761/webhooks', headers: auth })).status).toBe(200);
    const third = await rawRequest(limited.emulator.port, { method: 'GET', target: '/v%31/webhooks', headers: auth });
    expect(third.status).toBe(429);
    expect(isErrorShape(third.body)).toBe(true);
  });
});
