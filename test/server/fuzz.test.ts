// A seeded, bounded fuzz of the whole HTTP surface: every route the app has (enumerated, so a new one is
// covered automatically), with wrong methods, encoded and absolute-form paths, bad query values, wrong
// types, huge, deep and malformed bodies, unicode, and with and without the key. It fails on any 5xx, any
// non-2xx answer outside the error shape, a leaked stack trace or filesystem path, a request slower than
// 2 s, and any 2xx with data for a request without a valid key. PROPITBOX_FUZZ_SEED=n replays another seed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf, type RouteInfo } from '../../src/server/access.js';
import { bearerToken } from '../../src/server/auth.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isErrorShape, rawRequest, type RawResponse } from '../helpers/raw-http.js';

const SEED = Number(process.env.PROPITBOX_FUZZ_SEED ?? 20_261_130);
const RUNS = 1_200;
const CONCURRENCY = 8;
const SLOW_MS = 2_000;

let emu: TestEmulator;
let dataDir: string;
const ids: Record<string, string[]> = {};
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'propitbox-fuzz-'));
  emu = await startTestEmulator({ dataDir, rateLimit: { perSecond: 1e9, burst: 1e9 } });
  // Several of each, so a fuzzed DELETE or rotate leaves others for the requests after it.
  for (let i = 0; i < 3; i++) {
    const ep = (await emu.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['*'] })).body;
    const sent = (await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: { vehicle_id: 'veh_1' } })).body;
    const ls = (await emu.api('POST', '/v1/listen-sessions', {})).body;
    const ch = (await emu.api('POST', '/v1/ingest-channels', {})).body;
    (ids.webhooks ??= []).push(ep.id);
    (ids.events ??= []).push(sent.event.id);
    (ids.deliveries ??= []).push(...sent.deliveries.map((d: { id: string }) => d.id));
    (ids['listen-sessions'] ??= []).push(ls.id);
    (ids['ingest-channels'] ??= []).push(ch.id);
    (ids.in ??= []).push(new URL(ch.url).pathname.split('/')[2]);
  }
  const req = await fetch(`${emu.url}/in/${ids.in[0]}`, { method: 'POST', body: 'hello' });
  ids['ingest-requests'] = [(await req.json()).id];
  expect(Object.values(ids).every((list) => list.length > 0 && list.every(Boolean))).toBe(true);
});
afterAll(async () => {
  await emu?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface FuzzCase {
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  from: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'QUERY'];
const WEIRD_STRINGS = ['', ' ', '..', '.', '%00', '%ZZ', '%', '%2F', '%2e%2e', 'null', 'undefined', '[object Object]', '💩', 'é', '\u202e', '\ud800', 'a'.repeat(3000), '-1', 'Infinity', '<script>'];
const EXTRA_QUERY_KEYS = ['limit', 'starting_after', 'type', 'status', 'key', 'x', '__proto__', 'constructor', 'limit[]'];
const QUERY_VALUES = ['Infinity', '-Infinity', 'NaN', '1e309', '-1', '0', '1', '20', '100', '101', '1.5', '0x10', '', 'true', 'null', '[]', '{}', 'vehicle.created', 'vehicle.creatd', 'vehicle.*', '*', 'bogus', 'pending', 'failed', 'we_nope', '9'.repeat(400), '💩', '%ZZ', 'a'.repeat(5000)];
const EXTRA_BODY_FIELDS = ['__proto__', 'constructor', 'unknown_field', 'data', 'type'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/jsonx', ''];
/** A plausible value per field name, so most requests get past the first check to the next one. */
const GOOD: Record<string, unknown[]> = {
  url: ['http://127.0.0.1:9/hook', 'https://app.test/webhooks/pro-pitbox'],
  events: [['*'], ['vehicle.*', 'parts.inventory.low'], ['session.ended']],
  description: ['Production webhook endpoint', null],
  status: ['enabled', 'disabled'],
  type: ['vehicle.created', 'maintenance.task.completed', 'session.ended'],
  data: [{ vehicle_id: 'veh_1' }, {}],
  created: ['2024-12-25T10:30:00Z'],
  label: ['ci'],
  since: [0, 60],
  limit: [1, 20, 100],
};
const HOSTILE: unknown[] = [
  null, true, 0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2, '', ' ', 'Infinity', 'NaN', '1e309', 'vehicle.creatd', '*', 'vehicle.*', 'maintenance.*',
  ' http://a.test', 'http://a.test\n', 'http:evil', 'ftp://x', 'javascript:alert(1)', '1', '2024-13-45T99:99:99Z', 'x'.repeat(10_000), '\u0000', '\ud800', '💩', [], [null], [1, 2], ['*', '*'], {}, { a: { b: { c: {} } } }, Array.from({ length: 200 }, (_v, i) => `t${i}`),
];

/** encodeURIComponent, but a lone surrogate (which it refuses) goes as the bytes of its UTF-8 replacement. */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
};
const encodeSeg = (s: string, raw: boolean) => (raw ? s.replace(/[\s?#]/g, '_') : enc(s));

function caseArb(routes: RouteInfo[], port: number, key: string): fc.Arbitrary<FuzzCase> {
  const weird = fc.oneof(fc.constantFrom(...WEIRD_STRINGS), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 12 }));
  const hostile = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }, { weight: 1, arbitrary: weird });
  // Raw (unencoded) bytes in the request target are a malformed request (node's parser answers 400): some, not most.
  const rarely = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  const deepBody = fc.tuple(fc.constantFrom(60, 63, 64, 65, 200, 5_000, 50_000), fc.constantFrom('[', '{"a":')).map(([n, open]) => {
    const close = open === '[' ? ']' : '}';
    return `{"type":"vehicle.created","data":{"x":${open.repeat(n)}${open === '[' ? '' : '1'}${close.repeat(n)}}}`;
  });
  const auth = fc.constantFrom<string | undefined>(undefined, undefined, 'Bearer ppk_test_wrong', `Basic ${key}`, `Bearer ${key} extra`, `Bearer ${key}x`, 'Bearer', `Bearer ${key.slice(0, -1)}é`, `bearer ${key}`);
  const mutation = fc.constantFrom('encode-v', 'encode-1', 'upper', 'double-slash', 'dot-dot', 'dot', 'trailing-slash', 'nul', 'absolute', 'absolute-evil', 'semicolon', 'raw-space');
  const host = fc.constantFrom(`localhost:${port}`, 'localhost', '[::1]', 'evil.example', `evil.example:${port}`, `127.0.0.1.nip.io:${port}`, '');

  return fc
    .record({
      // By path first, then method: `app.all` routes (ingest) would otherwise crowd out the rest.
      route: fc.constantFrom(...new Set(routes.map((x) => x.url))).chain((url) => fc.constantFrom(...routes.filter((x) => x.url === url))),
      ownQuery: fc.array(fc.tuple(fc.constantFrom('good', 'good', 'hostile', 'none', 'none', 'none'), fc.constantFrom(...QUERY_VALUES)), { minLength: 8, maxLength: 8 }),
      ownFields: fc.array(fc.tuple(fc.constantFrom('good', 'good', 'good', 'good', 'hostile', 'hostile', 'omit'), hostile), { minLength: 8, maxLength: 8 }),
      // Most requests are well formed but for one or two hostile values; the rest break the envelope too.
      envelope: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      realIds: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      idPick: fc.nat(),
      params: fc.array(fc.tuple(weird, rarely), { minLength: 3, maxLength: 3 }),
      tail: fc.oneof(fc.constant(''), weird),
      badQuery: fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...QUERY_VALUES), fc.string({ unit: 'binary', maxLength: 12 })), rarely), { maxLength: 3 }),
      body: fc.oneof(
        { weight: 8, arbitrary: fc.record({ kind: fc.constant('fields' as const), picks: fc.array(fc.tuple(fc.nat(), fc.boolean(), hostile), { maxLength: 4 }) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('none' as const) }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('text' as const), text: deepBody }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.string({ maxLength: 100 }) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 100 }) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const) }) },
      ),
      method: fc.constantFrom(...METHODS),
      auth,
      noKey: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      mutation,
      host,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      accept: fc.constantFrom('application/json', '*/*', 'text/html', ''),
      envelopeParts: fc.record({ method: fc.boolean(), auth: fc.boolean(), path: fc.boolean(), host: fc.boolean(), type: fc.boolean() }),
    })
    .map((r) => {
      const broken = (part: keyof typeof r.envelopeParts) => r.envelope && r.envelopeParts[part];
      const route = r.route;
      const method = broken('method') ? r.method : route.method;
      const resource = route.url.split('/')[route.url.startsWith('/in/') ? 1 : 2] ?? '';
      let i = 0;
      let path = route.url.replace(/:[a-z]+|\*/g, () => {
        const [value, raw] = r.params[i++ % r.params.length];
        const list = ids[resource];
        const real = list?.[r.idPick % list.length];
        return r.realIds && real ? real : encodeSeg(String(value), raw);
      });
      if (route.url.endsWith('*')) path = path.replace(/[^/]*$/, r.tail ? enc(r.tail) : 'x');
      if (broken('path')) path = mutate(path, r.mutation, port);
      // Query: the route's own parameters, each good, hostile or absent; then hostile values on any name.
      const qKeys = [...route.queryFields, ...EXTRA_QUERY_KEYS];
      const q: string[] = [];
      route.queryFields.forEach((k, j) => {
        const [how, bad] = r.ownQuery[j % r.ownQuery.length];
        if (how !== 'none') q.push(`${k}=${enc(how === 'good' ? String(GOOD[k]?.[0] ?? 'x') : bad)}`);
      });
      for (const [n, v, raw] of r.badQuery) q.push(`${enc(qKeys[n % qKeys.length])}=${raw ? v.replace(/[\s#]/g, '+') : enc(v)}`);
      const target = q.length ? `${path}?${q.join('&')}` : path;
      // Body: the route's fields with good values, some replaced by hostile ones; or something else entirely.
      let body: string | Buffer | undefined;
      const fields = [...route.bodyFields, ...EXTRA_BODY_FIELDS];
      const b = r.body;
      if (b.kind === 'fields' && (route.bodyFields.length || r.envelope)) {
        const o: Record<string, unknown> = {};
        // The route's own fields: mostly good, some hostile, some left out (a missing field is a case too).
        route.bodyFields.forEach((f, j) => {
          const [how, value] = r.ownFields[j % r.ownFields.length];
          if (how === 'hostile') o[f] = value;
          else if (how === 'good' && GOOD[f]) o[f] = GOOD[f][0];
        });
        for (const [n, useHostile, value] of b.picks) {
          const f = fields[n % fields.length];
          o[f] = useHostile ? value : (GOOD[f]?.[1] ?? GOOD[f]?.[0] ?? value);
        }
        body = JSON.stringify(o);
      } else if (b.kind === 'text') body = b.text;
      else if (b.kind === 'bytes') body = Buffer.from(b.bytes);
      else if (b.kind === 'huge') body = `{"type":"vehicle.created","data":{"x":"${'b'.repeat(1_100_000)}"}}`;
      const headers: Record<string, string> = { host: broken('host') ? r.host : `127.0.0.1:${port}` };
      const authorization = r.noKey || broken('auth') ? r.auth : `Bearer ${key}`;
      if (authorization !== undefined) headers.authorization = authorization;
      if (r.accept) headers.accept = r.accept;
      if (body !== undefined) headers['content-type'] = broken('type') ? r.contentType : 'application/json';
      if (headers.host === '') delete headers.host;
      return { method, target, headers, body, from: `${route.method} ${route.url}` };
    });
}

function mutate(path: string, m: string, port: number): string {
  switch (m) {
    case 'encode-v':
      return path.replace(/^\/v1/, '/%761').replace(/^\/in\//, '/%69n/');
    case 'encode-1':
      return path.replace(/^\/v1/, '/v%31');
    case 'upper':
      return path.replace(/^\/v1/, '/V1');
    case 'double-slash':
      return `/${path}`;
    case 'dot-dot':
      return `/x/..${path}`;
    case 'dot':
      return `/.${path}`;
    case 'trailing-slash':
      return `${path}/`;
    case 'nul':
      return `${path}%00`;
    case 'absolute':
      return `http://127.0.0.1:${port}${path}`;
    case 'absolute-evil':
      return `http://evil.example${path}`;
    case 'semicolon':
      return `${path};a=b`;
    case 'raw-space':
      return `${path} x`;
    default:
      return path;
  }
}

/** What a request without a valid key may get with a 2xx: health, the dashboard's files, an ingest receipt. */
function publicAnswer(c: FuzzCase, res: RawResponse): boolean {
  const type = res.headers['content-type'] ?? '';
  if (type.startsWith('text/event-stream')) return false;
  if (!type.includes('json')) return true; // the dashboard's HTML, JS, CSS (or an ingest channel's own answer)
  if (c.method === 'HEAD') {
    let path = c.target;
    try {
      path = decodeURIComponent(new URL(c.target, 'http://x').pathname);
    } catch {
      /* keep it raw */
    }
    return path === '/v1/health' || path.startsWith('/in/');
  }
  return /^\{"ok":(true|false),/.test(res.body) || /^\{"id":"req_/.test(res.body);
}

describe('fuzz: every route, hostile input', () => {
  it(`${RUNS} seeded requests (seed ${SEED}): no 5xx, errors in shape, no leaks, none slower than ${SLOW_MS} ms, no data without the key`, async () => {
    const routes = routesOf(emu.emulator.app);
    expect(routes.length).toBeGreaterThanOrEqual(30);
    const cases = fc.sample(caseArb(routes, emu.emulator.port, emu.apiKey), { seed: SEED, numRuns: RUNS });
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    const statuses = new Map<number, number>();
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // A stack frame, a source position, a path of this machine, a driver error: none may reach a client.
    const leak = new RegExp([esc(process.cwd()), esc(dataDir), 'node_modules', '\\n\\s+at ', '\\.[jt]s:\\d+', 'SqliteError', 'FST_ERR'].join('|'));
    let slowest = 0;
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++];
        const t0 = Date.now();
        let res: RawResponse;
        try {
          res = await rawRequest(emu.emulator.port, { method: c.method, target: c.target, headers: c.headers, body: c.body }, 10_000);
        } catch (err) {
          failures.push(`${c.method} ${c.target.slice(0, 120)} (from ${c.from}): ${(err as Error).message}`);
          continue;
        }
        const ms = Date.now() - t0;
        slowest = Math.max(slowest, ms);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const what = `${c.method} ${c.target.slice(0, 120)} [${c.headers.authorization ?? 'no key'}] (from ${c.from}) -> ${res.status} ${res.body.slice(0, 160)}`;
        const dashboardNotBuilt = res.status === 503 && res.body.includes('dashboard_not_built');
        if (res.status === 0) failures.push(`no HTTP answer (reset=${res.reset}): ${what}`);
        else if (res.status >= 500 && !dashboardNotBuilt) failures.push(`5xx: ${what}`);
        if (res.status >= 300 && c.method !== 'HEAD' && !isErrorShape(res.body)) failures.push(`not the error shape: ${what}`);
        const inspected = res.status >= 300 || (res.headers['content-type'] ?? '').includes('json'); // not the dashboard's JS
        if (inspected && leak.test(res.body)) failures.push(`leak: ${what}`);
        if (ms > SLOW_MS) failures.push(`slow (${ms} ms): ${what}`);
        const keyOk = bearerToken(c.headers.authorization) === emu.apiKey;
        if (!keyOk && res.status >= 200 && res.status < 300 && !publicAnswer(c, res)) failures.push(`2xx without a valid key: ${what}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = Date.now() - started;
    console.log(`fuzz seed ${SEED}: ${cases.length} requests in ${elapsed} ms, slowest ${slowest} ms, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    if (process.env.PROPITBOX_FUZZ_REPORT) writeFileSync(process.env.PROPITBOX_FUZZ_REPORT, failures.join('\n'));
    for (const f of failures) kinds.set(f.split(':')[0], (kinds.get(f.split(':')[0]) ?? 0) + 1);
    expect(failures.slice(0, 20), `${failures.length} failures (seed ${SEED}): ${JSON.stringify(Object.fromEntries(kinds))}`).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
  });
});
