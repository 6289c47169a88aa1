// Client input never gets a 5xx, and what is stored is what will be used: each case here was a 500, a
// poison event or a silently-kept bad value before (issue 9, section 3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPE_NAMES } from '../../src/domain/event-types.js';
import { routesOf } from '../../src/server/access.js';
import { isIsoDateTime } from '../../src/server/dispatcher.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../../src/server/json-body.js';
import { startTestEmulator, type ApiResponse, type TestEmulator } from '../helpers/emulator.js';
import { isErrorShape } from '../helpers/raw-http.js';

let emu: TestEmulator;
let endpointId: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  endpointId = (await emu.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['*'] })).body.id;
});
afterAll(() => emu.close());

function expect400(res: ApiResponse, param?: string, code?: string) {
  expect(res.status, res.text).toBe(400);
  expect(isErrorShape(res.text), res.text).toBe(true);
  if (param) expect(res.body.error.param).toBe(param);
  if (code) expect(res.body.error.code).toBe(code);
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('event types are checked before anything is built from them', () => {
  it('POST /v1/events with an unknown type and no data is a 400 listing the types (was a 500)', async () => {
    for (const type of ['vehicle.creatd', '*', 'vehicle.*', 'x'.repeat(128), 'véhicule.created']) {
      const res = await emu.api('POST', '/v1/events', { type });
      expect400(res, 'type', 'event_type_invalid');
      for (const t of EVENT_TYPE_NAMES) expect(res.body.error.message).toContain(t);
    }
    expect400(await emu.api('POST', '/v1/events', { type: 'vehicle.creatd', data: {} }), 'type', 'event_type_invalid');
  });

  it('POST /v1/webhooks/:id/test with an unknown type, `*` or a wildcard is a 400 (was a 500)', async () => {
    for (const type of ['vehicle.creatd', '*', 'vehicle.*', 'maintenance.*']) {
      expect400(await emu.api('POST', `/v1/webhooks/${endpointId}/test`, { type }), 'type', 'event_type_invalid');
      expect400(await emu.api('POST', `/v1/webhooks/${endpointId}/test`, { type, data: { a: 1 } }), 'type', 'event_type_invalid');
    }
    expect((await emu.api('POST', `/v1/webhooks/${endpointId}/test`, { type: 'vehicle.created' })).status).toBe(201);
  });

  it('GET /v1/events?type=bogus is a 400 listing the types, like the body', async () => {
    const res = await emu.api('GET', '/v1/events?type=vehicle.creatd');
    expect400(res, 'type', 'event_type_invalid');
    expect(res.body.error.message).toContain("Did you mean 'vehicle.created'");
    expect((await emu.api('GET', '/v1/events?type=vehicle.created')).status).toBe(200);
    expect400(await emu.api('GET', '/v1/events?event_type=bogus'), 'event_type', 'event_type_invalid');
    expect400(await emu.api('GET', '/v1/deliveries?event_type=vehicle.*'), 'event_type', 'event_type_invalid');
    expect((await emu.api('GET', '/v1/deliveries?event_type=vehicle.created')).status).toBe(200);
  });
});

describe('limit and other numbers', () => {
  const listRoutes = () => routesOf(emu.emulator.app).filter((r) => r.method === 'GET' && !r.public && !r.url.includes(':') && r.url !== '/v1/stream');

  it('every list route refuses a limit that is not a whole number from 1 to 100 (Infinity was a 500)', async () => {
    const lists = listRoutes().map((r) => r.url);
    expect(lists).toEqual(expect.arrayContaining(['/v1/webhooks', '/v1/events', '/v1/deliveries']));
    let tried = 0;
    for (const url of lists) {
      const probe = await emu.api('GET', `${url}?limit=5`);
      if (probe.body?.object !== 'list') continue; // not a list
      for (const limit of ['Infinity', '-Infinity', '1e309', 'NaN', '-1', '0', '101', '1e9', '1.5', 'abc', '', '9'.repeat(400)]) {
        expect400(await emu.api('GET', `${url}?limit=${encodeURIComponent(limit)}`), 'limit');
        tried++;
      }
    }
    expect(tried).toBeGreaterThanOrEqual(36);
  });

  it('a JSON number too large to hold (1e309 parses to Infinity, stored as null) is refused, not changed', async () => {
    for (const n of ['1e309', '-1e400', '9'.repeat(400)]) {
      expect400(await emu.api('POST', '/v1/events', `{"type":"vehicle.created","data":{"odometer":${n}}}`), undefined, 'number_out_of_range');
    }
    const ok = await emu.api('POST', '/v1/events', '{"type":"vehicle.created","data":{"odometer":1e308,"note":"1e999"}}');
    expect(ok.status).toBe(201);
    expect(ok.body.event.data).toEqual({ odometer: 1e308, note: '1e999' });
  });

  it('a body number given as the string "Infinity" is refused too', async () => {
    expect400(await emu.api('POST', '/v1/listen-sessions', { since: 'Infinity' }), 'since');
  });
});

describe('JSON nesting is bounded at the door', () => {
  it('counts depth outside strings only', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[{{{"}]}')).toBe(3);
    expect(jsonDepth('"\\"["')).toBe(0);
    expect(jsonDepth(nested(1000), 64)).toBe(65); // stops early
  });

  it(`refuses a body nested deeper than ${MAX_JSON_DEPTH} with a 400, at 5,000 and at 4,100 (was 500, and a poison event)`, async () => {
    for (const depth of [MAX_JSON_DEPTH, 4_100, 5_000, 100_000]) {
      const body = `{"type":"vehicle.created","data":{"a":${nested(depth)}}}`;
      expect400(await emu.api('POST', '/v1/events', body), undefined, 'nesting_too_deep');
    }
    expect400(await emu.api('POST', '/v1/webhooks', `{"url":"http://a.test/x","events":["*"],"description":${nested(200)}}`), undefined, 'nesting_too_deep');
  });

  it('takes a body at the limit, and every read still works afterwards', async () => {
    const ok = await emu.api('POST', '/v1/events', `{"type":"vehicle.created","data":{"a":${nested(MAX_JSON_DEPTH - 2)}}}`);
    expect(ok.status, ok.text).toBe(201);
    expect((await emu.api('GET', '/v1/events')).status).toBe(200);
    expect((await emu.api('GET', `/v1/events/${ok.body.event.id}`)).status).toBe(200);
    expect((await emu.api('GET', '/v1/deliveries')).status).toBe(200);
  });
});

describe('URLs are stored only as the URL parser reads them', () => {
  it('refuses a leading space, a trailing newline, a tab, `http:evil` and friends, on create and update', async () => {
    for (const url of [' http://a.test/x', 'http://a.test/x\n', 'http://a.test/\tx', 'http:evil', 'http:/evil', 'http:///x', 'https:\\\\evil', 'http://a b.test']) {
      expect400(await emu.api('POST', '/v1/webhooks', { url, events: ['*'] }), 'url', 'url_invalid');
      expect400(await emu.api('PATCH', `/v1/webhooks/${endpointId}`, { url }), 'url', 'url_invalid');
    }
  });

  it('keeps a good URL exactly as sent', async () => {
    for (const url of ['https://yourapp.com/webhooks/pro-pitbox', 'http://localhost:3000', 'http://[::1]:3000/h?x=1']) {
      expect((await emu.api('POST', '/v1/webhooks', { url, events: ['*'] })).body.url).toBe(url);
    }
  });
});

describe('created must be ISO-8601', () => {
  it('refuses what Date.parse would take but is no ISO date-time', async () => {
    for (const created of ['1', '2024', '2024-12-25', 'Dec 25 2024', '2024-12-25 10:30:00Z', '2024-13-01T00:00:00Z', '2024-02-30T00:00:00Z', '2024-12-25T24:00:00Z', '2024-12-25T10:30:00']) {
      expect400(await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: {}, created }), 'created');
    }
  });

  it('takes and keeps ISO date-times with a zone', async () => {
    for (const created of ['2024-12-25T10:30:00Z', '2024-12-25T10:30:00.123+02:00', '2024-02-29T23:59:59.999999-0500', '2024-12-25T10:30Z']) {
      const res = await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: {}, created });
      expect(res.status, created).toBe(201);
      expect(res.body.event.created).toBe(created);
    }
    expect(isIsoDateTime('0001-01-01T00:00:00Z')).toBe(true);
    expect(isIsoDateTime('2023-02-29T00:00:00Z')).toBe(false);
  });
});

describe('no body is an empty object', () => {
  it('POST /v1/events/:id/resend with no body, or an empty JSON body, resends to every match', async () => {
    const sent = (await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: {} })).body;
    const bare = await fetch(`${emu.url}/v1/events/${sent.event.id}/resend`, { method: 'POST', headers: { authorization: `Bearer ${emu.apiKey}` } });
    expect(bare.status).toBe(201);
    expect((await emu.api('POST', `/v1/events/${sent.event.id}/resend`, '')).status).toBe(201);
  });

  it('a bodiless create names the missing field instead of "body must be object"', async () => {
    const res = await fetch(`${emu.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${emu.apiKey}` } });
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body.error).toMatchObject({ code: 'parameter_missing', param: 'type' });
  });
});
