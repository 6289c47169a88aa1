// The Host allow-list (DNS-rebinding defence): the bound address, loopback names, --public-url's host and
// --allowed-hosts pass; any other Host gets 421 in the error shape, on every route, the SSE stream and the
// websocket upgrade; ws_url never carries a Host the list did not vet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostPolicy, hostName, parseAllowedHosts } from '../../src/server/host-allow.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { isErrorShape, rawRequest } from '../helpers/raw-http.js';

describe('HostPolicy', () => {
  const loop = new HostPolicy({ bindHost: '127.0.0.1' });
  it('takes loopback names with or without a port, and the bound address', () => {
    for (const h of ['localhost', 'localhost:4480', '127.0.0.1:1', '[::1]:4480', '[::1]', 'LOCALHOST', 'localhost.', 'app.localhost:3000', undefined]) expect(loop.isAllowed(h), String(h)).toBe(true);
    expect(new HostPolicy({ bindHost: '192.168.1.5' }).isAllowed('192.168.1.5:4480')).toBe(true);
    expect(new HostPolicy({ bindHost: '::1' }).isAllowed('[::1]:4480')).toBe(true);
  });

  it('refuses other names, other addresses and junk', () => {
    for (const h of ['evil.example', 'evil.example:4480', 'localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.1', '[::2]', '', ' ', 'localhost:abc', 'a b', '[::1', 'localhost:4480:1', 'user@localhost']) expect(loop.isAllowed(h), h).toBe(false);
  });

  it('bound to every interface, any IP address is a way in but a name still is not', () => {
    const any = new HostPolicy({ bindHost: '0.0.0.0' });
    expect(any.isAllowed('192.168.1.5:4480')).toBe(true);
    expect(any.isAllowed('[fe80::1]:4480')).toBe(true);
    expect(any.isAllowed('evil.example')).toBe(false);
  });

  it('adds --public-url and --allowed-hosts (a leading dot takes the subdomains)', () => {
    const p = new HostPolicy({ bindHost: '127.0.0.1', publicUrl: 'https://Emu.Example.com', allowedHosts: ['app.test', '.corp.example'] });
    for (const h of ['emu.example.com', 'emu.example.com:443', 'app.test:4480', 'corp.example', 'a.b.corp.example']) expect(p.isAllowed(h), h).toBe(true);
    for (const h of ['example.com', 'x.app.test', 'evilcorp.example']) expect(p.isAllowed(h), h).toBe(false);
  });

  it('checks the authority of an absolute-form request target too (it replaces Host)', () => {
    expect(() => loop.check('127.0.0.1', 'http://evil.example/v1/health')).toThrow(/evil\.example/);
    expect(() => loop.check('127.0.0.1', 'http://localhost:4480/v1/health')).not.toThrow();
    try {
      loop.check('evil.example:4480', '/');
    } catch (e) {
      expect((e as { statusCode: number }).statusCode).toBe(421);
    }
  });

  it('parses the options and says what is wrong', () => {
    expect(hostName('[::1]:80')).toBe('::1');
    expect(parseAllowedHosts('a.test, .corp.example,192.168.1.5')).toEqual(['a.test', '.corp.example', '192.168.1.5']);
    for (const bad of ['', ',', 'a.test:80', 'http://a.test', 'a b']) expect(parseAllowedHosts(bad)).toMatch(/^--allowed-hosts must be/);
  });
});

describe('the emulator refuses other Hosts (421) everywhere', () => {
  let emu: TestEmulator;
  let sessionId: string;
  beforeAll(async () => {
    emu = await startTestEmulator();
    sessionId = (await emu.api('POST', '/v1/listen-sessions', {})).body.id;
  });
  afterAll(() => emu.close());

  const auth = () => ({ authorization: `Bearer ${emu.apiKey}` });
  const ws = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };

  it('on the API, health, the dashboard, unknown paths, the SSE stream and encoded variants', async () => {
    for (const target of ['/v1/webhooks', '/v1/health', '/', '/assets/x.js', '/v1/nope', '/v1/stream', '/%761/webhooks', '/%761/stream']) {
      for (const host of ['evil.example', `evil.example:${emu.emulator.port}`, `127.0.0.1.nip.io:${emu.emulator.port}`]) {
        const res = await rawRequest(emu.emulator.port, { method: 'GET', target, headers: { ...auth(), host, accept: 'text/html' } });
        expect(res.status, `${target} Host: ${host}`).toBe(421);
        expect(isErrorShape(res.body)).toBe(true);
        expect(JSON.parse(res.body).error.code).toBe('host_not_allowed');
      }
    }
  });

  it('an absolute-form target naming another host is refused even with a good Host header', async () => {
    const res = await rawRequest(emu.emulator.port, { method: 'GET', target: 'http://evil.example/v1/webhooks', headers: auth() });
    expect(res.status).toBe(421);
  });

  it('on the websocket upgrade, before the key is looked at', async () => {
    const target = `/v1/listen-sessions/${sessionId}/ws`;
    const res = await rawRequest(emu.emulator.port, { method: 'GET', target, headers: { ...ws, ...auth(), host: 'evil.example' } });
    expect(res.status).toBe(421);
    expect(isErrorShape(res.body)).toBe(true);
    expect((await rawRequest(emu.emulator.port, { method: 'GET', target, headers: { ...ws, ...auth(), host: `localhost:${emu.emulator.port}` } })).status).toBe(101);
  });

  it('takes the loopback spellings', async () => {
    for (const host of [`localhost:${emu.emulator.port}`, `127.0.0.1:${emu.emulator.port}`, `[::1]:${emu.emulator.port}`, 'localhost']) {
      expect((await rawRequest(emu.emulator.port, { method: 'GET', target: '/v1/webhooks', headers: { ...auth(), host } })).status, host).toBe(200);
    }
  });

  it('ws_url is the vetted Host the client used, never another', async () => {
    const res = await rawRequest(emu.emulator.port, { method: 'GET', target: `/v1/listen-sessions/${sessionId}`, headers: { ...auth(), host: `localhost:${emu.emulator.port}` } });
    expect(JSON.parse(res.body).ws_url).toBe(`ws://localhost:${emu.emulator.port}/v1/listen-sessions/${sessionId}/ws`);
  });
});

describe('--public-url and --allowed-hosts', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ publicUrl: 'https://emu.example.com', allowedHosts: ['app.test'] });
  });
  afterAll(() => emu.close());

  it('their hosts pass; ws_url is built on the public URL whatever Host was used', async () => {
    const auth = { authorization: `Bearer ${emu.apiKey}` };
    for (const host of ['emu.example.com', 'app.test:8080', `127.0.0.1:${emu.emulator.port}`]) {
      const res = await rawRequest(emu.emulator.port, { method: 'POST', target: '/v1/listen-sessions', headers: { ...auth, host, 'content-type': 'application/json' }, body: '{}' });
      expect(res.status, host).toBe(201);
      expect(JSON.parse(res.body).ws_url).toMatch(/^wss:\/\/emu\.example\.com\/v1\/listen-sessions\/ls_\w+\/ws$/);
    }
    expect((await rawRequest(emu.emulator.port, { method: 'GET', target: '/v1/health', headers: { host: 'other.test' } })).status).toBe(421);
  });
});

describe('behind a trusted proxy (--trust-proxy)', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ trustProxy: true, publicUrl: 'https://relay.example.com' });
  });
  afterAll(() => emu.close());

  it('X-Forwarded-Host is checked too; without --trust-proxy it is not looked at', async () => {
    const get = (xfh: string) => rawRequest(emu.emulator.port, { method: 'GET', target: '/v1/health', headers: { host: 'relay.example.com', 'x-forwarded-host': xfh } });
    expect((await get('relay.example.com')).status).toBe(200);
    expect((await get('evil.example')).status).toBe(421);
    expect((await get('relay.example.com, evil.example')).status).toBe(421);
    const plain = await startTestEmulator();
    try {
      expect((await rawRequest(plain.emulator.port, { method: 'GET', target: '/v1/health', headers: { 'x-forwarded-host': 'evil.example' } })).status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
