// Ingested requests in listen sessions: same log, seq, acks and resume as events; a raw ws client.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { IngestMsg, ServerMsg } from '../../src/relay/protocol.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { waitFor } from '../helpers/wait-for.js';
import { rawRequest } from './raw-http.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

interface Client {
  ws: WebSocket;
  msgs: ServerMsg[];
  ingests: () => IngestMsg[];
}

function connect(wsUrl: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${emu.apiKey}` } });
    const msgs: ServerMsg[] = [];
    ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
    ws.on('open', () => {
      ws.send(JSON.stringify({ t: 'hello', v: 1, last_seq: null }));
      resolve({ ws, msgs, ingests: () => msgs.filter((m): m is IngestMsg => m.t === 'ingest') });
    });
    ws.on('error', reject);
  });
}

const ack = (c: Client, m: IngestMsg, status: number | null, body = '', error: string | null = null) =>
  c.ws.send(JSON.stringify({ t: 'ack', seq: m.seq, event_id: m.id, url: 'http://127.0.0.1:3000/hook', status_code: status, duration_ms: 2, error, response_headers: { 'content-type': 'text/plain' }, response_body: body }));

async function channel(body: Record<string, unknown> = {}) {
  return (await emu.api('POST', '/v1/ingest-channels', body)).body as { id: string; url: string };
}

async function session(channels: string[], extra: Record<string, unknown> = {}) {
  const r = await emu.api('POST', '/v1/listen-sessions', { ingest_channels: channels, ...extra });
  expect(r.status).toBe(201);
  return r.body as { id: string; ws_url: string; events: string[] };
}

describe('ingested requests in listen sessions', () => {
  it('requests sent with no listener wait, then arrive in order with exact bytes and header pairs; an ack marks them forwarded', async () => {
    const c = await channel();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await rawRequest(`${c.url}/p${i}?q=${i}`, 'POST', [['Content-Type', 'application/json'], ['X-Dup', 'a'], ['X-Dup', 'b']], Buffer.from(`{"n":${i}}`));
      ids.push(JSON.parse(r.body).id);
    }
    const s = await session([c.id]);
    expect(s.events).toEqual([]);
    const client = await connect(s.ws_url);
    await waitFor(() => client.ingests().length === 3);
    const got = client.ingests();
    expect(got.map((m) => m.id)).toEqual(ids);
    expect(got.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(got[1]).toMatchObject({ method: 'POST', path: '/p1', query: 'q=1', channel_id: c.id, type: null, event_id: null });
    expect(Buffer.from(got[1].body, 'base64').toString()).toBe('{"n":1}');
    expect(got[1].headers.filter(([k]) => k.startsWith('X-'))).toEqual([['X-Dup', 'a'], ['X-Dup', 'b']]);
    for (const m of got) ack(client, m, 200, 'OK');
    await waitFor(async () => (await emu.api('GET', `/v1/ingest-requests/${ids[2]}`)).body.status === 'forwarded');
    expect((await emu.api('GET', `/v1/ingest-requests/${ids[0]}`)).body).toMatchObject({ status: 'forwarded', forwarded_status: 200 });
    const d = (await emu.api('GET', `/v1/deliveries?event_id=${ids[0]}`)).body.data[0];
    expect(d).toMatchObject({ session_id: s.id, status: 'succeeded', last_status_code: 200, url: 'http://127.0.0.1:3000/hook' });

    // Live: a connected listener gets the next one at once; events are not sent to an ingest-only session.
    await emu.api('POST', '/v1/events', { type: 'vehicle.created' });
    const live = await (await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"evt_x","type":"vehicle.updated"}' })).json();
    await waitFor(() => client.ingests().length === 4);
    expect(client.ingests()[3]).toMatchObject({ id: live.id, seq: 4, type: 'vehicle.updated', event_id: 'evt_x' });
    expect(client.msgs.some((m) => m.t === 'event')).toBe(false);
    client.ws.close();
  });

  it('a forwarded request is not offered to the next listener; --since offers it again', async () => {
    const c = await channel();
    await fetch(c.url, { method: 'POST', body: 'one' });
    const first = await connect((await session([c.id])).ws_url);
    await waitFor(() => first.ingests().length === 1);
    ack(first, first.ingests()[0], 204);
    await waitFor(async () => (await emu.api('GET', `/v1/ingest-channels/${c.id}/requests`)).body.data[0].status === 'forwarded');
    first.ws.close();
    await fetch(c.url, { method: 'POST', body: 'two' });
    const second = await connect((await session([c.id])).ws_url);
    await waitFor(() => second.ingests().length === 1);
    expect(Buffer.from(second.ingests()[0].body, 'base64').toString()).toBe('two');
    second.ws.close();
    const replay = await connect((await session([c.id], { since: 3600 })).ws_url);
    await waitFor(() => replay.ingests().length === 2);
    expect(replay.ingests().map((m) => Buffer.from(m.body, 'base64').toString())).toEqual(['one', 'two']);
    replay.ws.close();
  });

  it('wait_for_response passes the local answer to the sender; with no listener it is 504 after the timeout and kept', async () => {
    const c = await channel({ wait_for_response: true, wait_timeout_ms: 400 });
    const lonely = await fetch(c.url, { method: 'POST', body: 'nobody home' });
    expect(lonely.status).toBe(504);
    expect((await lonely.json()).error.code).toBe('local_answer_timeout');
    const client = await connect((await session([c.id])).ws_url);
    await waitFor(() => client.ingests().length === 1); // the stored one arrives once a listener is there
    ack(client, client.ingests()[0], 200);
    client.ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as ServerMsg;
      if (m.t === 'ingest' && m.seq === 2) ack(client, m, 201, 'created here');
    });
    const answered = await fetch(c.url, { method: 'POST', body: 'hello' });
    expect([answered.status, await answered.text(), answered.headers.get('content-type')]).toEqual([201, 'created here', 'text/plain']);
    client.ws.close();
  });

  it('large bodies stream under a byte budget: every frame arrives and sha256 matches', async () => {
    const c = await channel();
    const bodies = Array.from({ length: 6 }, (_, i) => Buffer.alloc(1024 * 1024 * 9, i + 1));
    for (const b of bodies) expect((await rawRequest(c.url, 'POST', [['Content-Type', 'application/octet-stream']], b)).status).toBe(202);
    const client = await connect((await session([c.id])).ws_url);
    // 6 x 9 MiB is over the 32 MiB in-flight budget: the rest only comes once acks free it.
    await waitFor(() => client.ingests().length >= 3);
    expect(client.ingests().length).toBeLessThan(6);
    const acked = new Set<number>();
    await waitFor(() => {
      for (const m of client.ingests()) if (!acked.has(m.seq)) acked.add(m.seq), ack(client, m, 200);
      return client.ingests().length === 6;
    });
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(client.ingests().map((m) => sha(Buffer.from(m.body, 'base64')))).toEqual(bodies.map(sha));
    client.ws.close();
  });
});
