// The HTTP layer under the routes: what node's parser rejects and what fastify answers by itself is in
// the API's error shape; a 413 is readable by a client that is still uploading (raw socket, and with
// `Expect: 100-continue`); a bad websocket hello is a protocol error, not a stalled session.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE } from '../../src/relay/protocol.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isErrorShape, parseResponse, rawExchange, rawRequest } from '../helpers/raw-http.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const port = () => emu.emulator.port;
const auth = () => ({ authorization: `Bearer ${emu.apiKey}` });

describe('protocol-level errors have the error shape', () => {
  it('a malformed request is a 400 in the error shape (was fastify\'s "Client Error")', async () => {
    for (const raw of ['GET / HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n', 'GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer KEY\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']) {
      const res = await rawExchange(port(), (s) => s.write(raw.replace('KEY', emu.apiKey)));
      expect(res.status, raw).toBe(400);
      expect(isErrorShape(res.body), res.body).toBe(true);
      expect(JSON.parse(res.body).error.code).toBe('malformed_request');
    }
  });

  it('headers over the limit are a 431 in the error shape', async () => {
    const res = await rawRequest(port(), { method: 'GET', target: '/v1/health', headers: { 'x-big': 'a'.repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(isErrorShape(res.body)).toBe(true);
    expect(JSON.parse(res.body).error.code).toBe('headers_too_large');
  });

  it('an unknown method or path is a 404 in the error shape', async () => {
    for (const method of ['PUT', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND']) {
      const res = await rawRequest(port(), { method, target: '/v1/events', headers: auth() });
      expect(res.status, method).toBe(404);
      expect(isErrorShape(res.body)).toBe(true);
    }
  });
});

describe('a body over 1 MiB: the client reads the 413 instead of a reset', () => {
  /** Upload `total` bytes in 64 KiB chunks as fast as the socket takes them, reading all the while. */
  function upload(total: number, headers: Record<string, string>, chunked = false) {
    const head = `POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${emu.apiKey}\r\nContent-Type: application/json\r\n${chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${total}`}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    return rawExchange(
      port(),
      (sock) => {
        sock.write(head);
        let sent = 0;
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (sent < total && !sock.destroyed) {
            const n = Math.min(chunk.length, total - sent);
            sent += n;
            const part = chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), chunk.subarray(0, n), Buffer.from('\r\n')]) : chunk.subarray(0, n);
            if (!sock.write(part)) return void sock.once('drain', pump);
          }
          if (chunked && !sock.destroyed) sock.write('0\r\n\r\n');
        };
        pump();
        sock.on('error', () => undefined);
      },
      20_000,
    );
  }

  /**
   * Like a simple client (undici, curl after 100 Continue): write the whole request, read the answer
   * only once the write is done. A write that fails (EPIPE/reset: the server closed on unread bytes)
   * ends it without an answer, as it does for them.
   */
  function writeAllThenRead(total: number): Promise<{ status: number; body: string; error?: string }> {
    return new Promise((resolve) => {
      const sock = net.connect(port(), '127.0.0.1');
      let data = Buffer.alloc(0);
      const done = (r: { status: number; body: string; error?: string }) => {
        sock.destroy();
        resolve(r);
      };
      sock.on('error', (e: NodeJS.ErrnoException) => done({ status: 0, body: '', error: e.code }));
      sock.on('connect', () => {
        sock.pause();
        sock.write(`POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${emu.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`);
        sock.write(Buffer.alloc(total, 0x20), (err) => {
          if (err) return;
          sock.on('data', (b) => {
            data = Buffer.concat([data, b]);
            const r = parseResponse(data, false);
            if (r) done(r);
          });
          sock.resume();
        });
      });
    });
  }

  it('a client that writes its whole 6 MiB body before reading gets the 413 (it got a reset: the server closed unread)', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await writeAllThenRead(6 * 1024 * 1024);
      expect(res.error).toBeUndefined();
      expect(res.status, res.body.slice(0, 200)).toBe(413);
      expect(isErrorShape(res.body)).toBe(true);
      expect(JSON.parse(res.body).error.code).toBe('body_too_large');
    }
  });

  for (const [label, total] of [
    ['1.5 MiB', 1.5 * 1024 * 1024],
    ['past the drain bound (20 MiB)', 20 * 1024 * 1024],
  ] as const) {
    it(`a client that reads while it uploads ${label} gets the 413 in the error shape`, async () => {
      for (let i = 0; i < 3; i++) {
        const res = await upload(total, {});
        expect(res.status, res.body.slice(0, 200)).toBe(413);
        expect(isErrorShape(res.body)).toBe(true);
        expect(JSON.parse(res.body).error.code).toBe('body_too_large');
      }
    });
  }

  it('chunked upload of 3 MiB: 413 in the error shape', async () => {
    const res = await upload(3 * 1024 * 1024, {}, true);
    expect(res.status).toBe(413);
    expect(isErrorShape(res.body)).toBe(true);
  });

  it('the connection stays usable after a drained 413 (keep-alive)', async () => {
    const body = Buffer.alloc(1.5 * 1024 * 1024, 0x20);
    const all = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(port(), '127.0.0.1');
      let seen = '';
      sock.on('data', (b) => (seen += b.toString('latin1')));
      sock.on('close', () => resolve(seen));
      sock.on('error', reject);
      sock.write(`POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${emu.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      sock.write(body);
      sock.write(`GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    expect(all).toMatch(/^HTTP\/1\.1 413 [\s\S]*HTTP\/1\.1 200 [\s\S]*"ok":/);
  });

  it('Expect: 100-continue with an oversized Content-Length: 413 at once, no 100 Continue, nothing uploaded', async () => {
    let raw = '';
    const res = await rawExchange(port(), (sock) => {
      sock.write(`POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${emu.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${3 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n`);
      sock.on('data', (b) => (raw += b.toString('latin1')));
    });
    expect(res.status).toBe(413);
    expect(raw).not.toContain('100 Continue');
    expect(isErrorShape(res.body)).toBe(true);
  });

  it('Expect: 100-continue without a key: 401 and no 100 Continue', async () => {
    let raw = '';
    const res = await rawExchange(port(), (sock) => {
      sock.write(`POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n`);
      sock.on('data', (b) => (raw += b.toString('latin1')));
    });
    expect(res.status).toBe(401);
    expect(raw).not.toContain('100 Continue');
  });

  it('Expect: 100-continue with a body that fits: 100 Continue, then the answer', async () => {
    const body = JSON.stringify({ type: 'vehicle.created', data: {} });
    let raw = '';
    const res = await rawExchange(port(), (sock) => {
      sock.write(`POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${emu.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
      sock.on('data', (b) => {
        raw += b.toString('latin1');
        if (raw.includes('100 Continue') && !sock.destroyed) sock.write(body);
      });
    });
    expect(raw.startsWith('HTTP/1.1 100 Continue')).toBe(true);
    expect(res.status).toBe(201);
  });

  it('curl-style: fetch with a 2 MiB body gets the 413 body (not a socket error)', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${emu.url}/v1/events`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) });
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe('body_too_large');
    }
  });
});

describe('the listen websocket hello', () => {
  async function helloWith(hello: Record<string, unknown>): Promise<{ code: number; messages: string[] }> {
    const session = (await emu.api('POST', '/v1/listen-sessions', {})).body;
    const ws = new WebSocket(session.ws_url, { headers: auth() });
    const messages: string[] = [];
    ws.on('message', (m) => messages.push(m.toString()));
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    ws.send(JSON.stringify({ t: 'hello', v: 1, last_seq: null, ...hello }));
    const code = await new Promise<number>((r) => {
      ws.once('close', (c) => r(c));
      // A good hello gets a welcome: close it ourselves so the test ends.
      ws.on('message', (m) => {
        if (JSON.parse(m.toString()).t === 'welcome') ws.close(1000);
      });
    });
    return { code, messages };
  }

  it('a window or last_seq of the wrong type closes with the protocol-error code (a window of "abc" stalled it)', async () => {
    for (const bad of [{ window: 'abc' }, { window: 0 }, { window: -5 }, { window: 1.5 }, { window: null }, { last_seq: 'x' }, { last_seq: -1 }, { last_seq: {} }]) {
      const { code, messages } = await helloWith(bad);
      expect(code, JSON.stringify(bad)).toBe(CLOSE.BAD_MESSAGE);
      expect(messages.some((m) => JSON.parse(m).t === 'error')).toBe(true);
    }
  });

  it('a good hello is welcomed; a huge window is capped', async () => {
    const { code, messages } = await helloWith({ window: 1e6 });
    expect(code).toBe(1000);
    expect(JSON.parse(messages[0])).toMatchObject({ t: 'welcome', window: 1024 });
  });
});
