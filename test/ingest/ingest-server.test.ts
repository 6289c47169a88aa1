// The ingest URL and the channel API against a real in-process emulator on loopback.
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { rawRequest } from './raw-http.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ ingestMaxBody: 64 * 1024 });
});
afterAll(async () => {
  await emu?.close();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function channel(body: Record<string, unknown> = {}) {
  const r = await emu.api('POST', '/v1/ingest-channels', body);
  expect(r.status).toBe(201);
  return r.body as { id: string; url: string };
}

describe('ingest channels API', () => {
  it('creates a channel with a 128-bit lowercase base32 URL, lists, gets, updates and deletes it', async () => {
    const c = await channel({ description: 'laptop' });
    expect(c.id).toMatch(/^ich_/);
    expect(c.url).toMatch(new RegExp(`^${emu.url}/in/[a-z2-7]{26}$`));
    expect((await emu.api('GET', '/v1/ingest-channels')).body.data.map((x: { id: string }) => x.id)).toContain(c.id);
    expect((await emu.api('GET', `/v1/ingest-channels/${c.id}`)).body).toMatchObject({ id: c.id, url: c.url, description: 'laptop', response: { status: 202, body: null } });
    const p = await emu.api('PATCH', `/v1/ingest-channels/${c.id}`, { response: { status: 200, body: 'OK' } });
    expect(p.body.response).toEqual({ status: 200, body: 'OK', content_type: 'text/plain; charset=utf-8' });
    const sent = await fetch(c.url, { method: 'POST', body: '{}' });
    expect([sent.status, await sent.text()]).toEqual([200, 'OK']);
    expect((await emu.api('DELETE', `/v1/ingest-channels/${c.id}`)).body).toEqual({ id: c.id, object: 'ingest_channel', deleted: true });
    const gone = await fetch(c.url, { method: 'POST', body: '{}' });
    expect(gone.status).toBe(410);
    expect((await gone.json()).error.code).toBe('ingest_url_gone');
    expect((await emu.api('GET', `/v1/ingest-channels/${c.id}`)).status).toBe(404);
  });

  it('rotate-url: the old URL answers 410, the new one stores', async () => {
    const c = await channel();
    const rotated = (await emu.api('POST', `/v1/ingest-channels/${c.id}/rotate-url`)).body as { url: string };
    expect(rotated.url).not.toBe(c.url);
    const old = await fetch(c.url + '/x', { method: 'POST', body: 'a' });
    expect(old.status).toBe(410);
    expect(await old.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'ingest_url_gone' } });
    expect((await fetch(rotated.url, { method: 'POST', body: 'a' })).status).toBe(202);
  });

  it('rejects bad options with 400 and needs the API key', async () => {
    expect((await emu.api('POST', '/v1/ingest-channels', { response: { status: 500 } })).status).toBe(400);
    expect((await emu.api('POST', '/v1/ingest-channels', { wait_timeout_ms: 60_000 })).status).toBe(400);
    expect((await emu.api('GET', '/v1/ingest-channels', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
  });
});

describe('ingest URL', () => {
  it('stores method, path, raw query, every header pair in order with duplicates, and the exact bytes, then answers 202', async () => {
    const c = await channel();
    const body = Buffer.concat([gzipSync('{"a":1}'), randomBytes(300), Buffer.from([0, 0xff, 0xfe])]);
    const headers: Array<[string, string]> = [
      ['Content-Type', 'application/octet-stream'],
      ['Content-Encoding', 'gzip'],
      ['X-Hub-Signature-256', 'sha256=abc'],
      ['X-Dup', 'one'],
      ['x-dup', 'two'],
      ['X-Dup', 'three'],
    ];
    const r = await rawRequest(`${c.url}/github/hook?b=2&a=1&a=%20x`, 'PUT', headers, body);
    expect(r.status).toBe(202);
    const id = JSON.parse(r.body).id as string;
    expect(id).toMatch(/^req_/);
    expect(r.headers['x-propitbox-request-id']).toBe(id);
    const got = (await emu.api('GET', `/v1/ingest-requests/${id}`)).body;
    expect(got).toMatchObject({ method: 'PUT', path: '/github/hook', query: 'b=2&a=1&a=%20x', content_type: 'application/octet-stream', content_length: body.length, status: 'pending', channel_id: c.id });
    expect(got.headers.filter(([k]: [string]) => !/^(host|connection|content-length)$/i.test(k))).toEqual(headers);
    expect(got.body_sha256).toBe(sha(body));
    expect(Buffer.from(got.body_base64, 'base64').equals(body)).toBe(true);
    expect(got.remote_addr).toBe('127.0.0.1');
    const list = (await emu.api('GET', `/v1/ingest-channels/${c.id}/requests`)).body;
    expect(list.data[0]).toMatchObject({ id, method: 'PUT', path: '/github/hook' });
    expect(list.data[0].body_base64).toBeUndefined();
  });

  it('takes any content type (form, invalid media types, none), chunked bodies, and bodies on GET', async () => {
    const c = await channel();
    const cases: Array<[string, Array<[string, string]>, Buffer, { chunked?: boolean }?]> = [
      ['POST', [['Content-Type', 'application/x-www-form-urlencoded']], Buffer.from('payload=%7B%22a%22%3A1%7D&x=%E2%82%AC')],
      ['POST', [['Content-Type', 'this is not a media type']], Buffer.from('x')],
      ['POST', [], Buffer.from('no type')],
      ['PATCH', [['Content-Type', 'application/json']], Buffer.from('{"chunked":true}'), { chunked: true }],
      ['GET', [['Content-Type', 'text/plain']], Buffer.from('a GET with a body')],
      ['DELETE', [], Buffer.alloc(0)],
    ];
    for (const [method, headers, body, opts] of cases) {
      const r = await rawRequest(c.url, method, headers, body, opts);
      expect(r.status, `${method} ${JSON.stringify(headers)}`).toBe(202);
      const got = (await emu.api('GET', `/v1/ingest-requests/${JSON.parse(r.body).id}`)).body;
      expect(got.method).toBe(method);
      expect(got.body_sha256).toBe(sha(body));
    }
  });

  it('names the event when the body is a JSON event', async () => {
    const c = await channel();
    const r = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"evt_1","type":"vehicle.created","created":"2024-12-25T10:30:00Z","data":{}}' });
    const got = (await emu.api('GET', `/v1/ingest-requests/${(await r.json()).id}`)).body;
    expect(got).toMatchObject({ event_type: 'vehicle.created', event_id: 'evt_1' });
  });

  it('unknown token 404, over the size limit 413 (read by the sender), flood 429 with Retry-After, all in the error shape', async () => {
    const unknown = await fetch(`${emu.url}/in/${'a'.repeat(26)}`, { method: 'POST', body: 'x' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'ingest_url_unknown' });
    expect((await fetch(`${emu.url}/in/`, { method: 'POST', body: 'x' })).status).toBe(404);

    const c = await channel({ rate_limit_per_second: 1, rate_limit_burst: 2 });
    const big = randomBytes(64 * 1024 + 1);
    for (const chunked of [false, true]) {
      const r = await rawRequest(c.url, 'POST', [], big, { chunked });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body).error).toMatchObject({ type: 'invalid_request_error', code: 'body_too_large' });
    }
    const codes: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const r = await fetch(c.url, { method: 'POST', body: 'x' });
      codes.push(r.status);
      if (r.status === 429) {
        retryAfter = r.headers.get('retry-after');
        expect((await r.json()).error.type).toBe('rate_limit_error');
      } else await r.arrayBuffer();
    }
    expect(codes).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it("another key's channel and request are 404, also as a listen session's channel", async () => {
    const c = await channel();
    const sent = await (await fetch(c.url, { method: 'POST', body: 'secret payload' })).json();
    // A second key on the same server: re-own the channel and request to another key hash.
    emu.emulator.db.prepare("UPDATE ingest_channels SET key_hash = 'other' WHERE id = ?").run(c.id);
    emu.emulator.db.prepare("UPDATE ingest_requests SET key_hash = 'other' WHERE id = ?").run(sent.id);
    expect((await emu.api('GET', `/v1/ingest-channels/${c.id}`)).status).toBe(404);
    expect((await emu.api('GET', `/v1/ingest-channels/${c.id}/requests`)).status).toBe(404);
    expect((await emu.api('GET', `/v1/ingest-requests/${sent.id}`)).status).toBe(404);
    const s = await emu.api('POST', '/v1/listen-sessions', { ingest_channels: [c.id] });
    expect(s.status).toBe(404);
    expect(s.body.error.code).toBe('resource_missing');
  });
});
