// The dashboard's server side against a real emulator on port 0: static files without data, the SPA
// fallback that never swallows /v1, and the authenticated SSE stream relaying the bus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEmulator, TEST_API_KEY as KEY, type TestEmulator } from '../helpers/emulator.js';
import { DASHBOARD_DIR } from '../../src/server/routes/dashboard.js';
import { createSseParser, type SseMessage } from '../../src/dashboard/src/lib/sse.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/wait-for.js';
import { existsSync } from 'node:fs';

let emu: TestEmulator;
let receiver: Receiver;
let dataDir: string;

beforeAll(async () => {
  if (!existsSync(join(DASHBOARD_DIR, 'index.html'))) throw new Error('dist/dashboard is missing: run `npm run build`');
  dataDir = mkdtempSync(join(tmpdir(), 'propitbox-dash-'));
  receiver = await startReceiver();
  emu = await startTestEmulator({ dataDir });
});

afterAll(async () => {
  await emu?.close();
  await receiver?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${KEY}` };

/** Open /v1/stream and collect its messages until stop(). */
async function openStream(headers: Record<string, string>) {
  const abort = new AbortController();
  const res = await fetch(`${emu.url}/v1/stream`, { headers, signal: abort.signal });
  const messages: SseMessage[] = [];
  if (res.ok && res.body) {
    const feed = createSseParser();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        messages.push(...feed(value!));
      }
    })();
  }
  return { res, messages, stop: () => abort.abort() };
}

describe('dashboard static files', () => {
  it('serves the app at / with a strict CSP and no data, and its hashed assets', async () => {
    const res = await fetch(`${emu.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    expect(html).not.toContain(KEY);
    expect(html).not.toMatch(/https?:\/\//); // no CDN
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const js = await fetch(`${emu.url}/${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
  });

  it('falls back to the app for browser paths but keeps API 404s as JSON', async () => {
    const page = await fetch(`${emu.url}/settings/webhooks`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${emu.url}/v1/nope`, { headers: { ...auth, accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('route_not_found');
    expect((await fetch(`${emu.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${emu.url}/assets/..%2f..%2fpackage.json`)).status).not.toBe(200);
  });
});

describe('GET /v1/stream', () => {
  it('refuses a missing or wrong key with the API error', async () => {
    const none = await fetch(`${emu.url}/v1/stream`);
    expect(none.status).toBe(401);
    expect((await none.json()).error.type).toBe('authentication_error');
    const wrong = await fetch(`${emu.url}/v1/stream`, { headers: { authorization: 'Bearer ppk_test_wrong' } });
    expect(wrong.status).toBe(401);
  });

  it('relays endpoint, event and delivery changes, without signing secrets', async () => {
    const stream = await openStream(auth);
    try {
      expect(stream.res.headers.get('content-type')).toMatch(/text\/event-stream/);
      await waitFor(() => stream.messages.some((m) => m.event === 'ready'), { what: 'ready message' });
      const created = await fetch(`${emu.url}/v1/webhooks`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${receiver.url}/hook`, events: ['*'] }),
      }).then((r) => r.json());
      expect(created.secret).toMatch(/^whsec_/);
      const changed = await waitFor(() => stream.messages.find((m) => m.event === 'endpoint.changed'), { what: 'endpoint.changed' });
      expect(JSON.parse(changed.data)).toMatchObject({ id: created.id });
      expect(changed.data).not.toContain(created.secret);
      expect(JSON.parse(changed.data).secret).toBeUndefined();

      const sent = await fetch(`${emu.url}/v1/webhooks/${created.id}/test`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'vehicle.created' }),
      }).then((r) => r.json());
      await waitFor(() => stream.messages.find((m) => m.event === 'event.created' && JSON.parse(m.data).id === sent.event.id), { what: 'event.created' });
      const done = await waitFor(
        () => stream.messages.map((m) => (m.event === 'delivery.updated' ? JSON.parse(m.data) : null)).find((d) => d?.event_id === sent.event.id && d.status === 'succeeded'),
        { what: 'delivery.updated succeeded' },
      );
      expect(done.last_status_code).toBe(200);
    } finally {
      stream.stop();
    }
  });

  it('does not hold up shutdown while a stream is open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propitbox-dash-close-'));
    const other = await startTestEmulator({ dataDir: dir });
    try {
      const res = await fetch(`${other.url}/v1/stream`, { headers: auth });
      const reader = res.body!.getReader();
      await reader.read(); // the ready message: the stream is open
      await other.close();
      // The server ended the stream: the reader sees its end (or a reset), not a hang.
      await waitFor(async () => (await reader.read().catch(() => ({ done: true }))).done, { what: 'stream end' });
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
