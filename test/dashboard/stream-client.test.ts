// The dashboard's stream client (src/dashboard/src/lib/sse.ts) against real servers: it goes live on
// `ready`, reconnects when the emulator restarts, and drops a connection that has gone silent.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStream, type SseMessage, type StreamState } from '../../src/dashboard/src/lib/sse.js';
import { startTestEmulator, TEST_API_KEY, type TestEmulator } from '../helpers/emulator.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function watch(url: string, key = TEST_API_KEY, staleAfterMs?: number) {
  const states: StreamState[] = [];
  const messages: SseMessage[] = [];
  const stop = openStream({ key, url, staleAfterMs, onState: (s) => states.push(s), onMessage: (m) => messages.push(m) });
  cleanups.push(stop);
  return { states, messages };
}

describe('dashboard stream client', () => {
  it('goes live on ready, reconnects after the emulator restarts on the same port, and stays live', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'propitbox-stream-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    let emu: TestEmulator = await startTestEmulator({ dataDir });
    cleanups.push(() => emu.close());
    const port = emu.emulator.port;
    const s = watch(`${emu.url}/v1/stream`);
    await waitFor(() => s.states.at(-1) === 'live', { what: 'live' });
    await emu.close();
    await waitFor(() => s.states.at(-1) === 'reconnecting', { what: 'reconnecting' });
    emu = await startTestEmulator({ dataDir, port });
    await waitFor(() => s.states.at(-1) === 'live' && s.messages.filter((m) => m.event === 'ready').length === 2, { what: 'live again' });
    await emu.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['*'] });
    await waitFor(() => s.messages.some((m) => m.event === 'endpoint.changed'), { what: 'endpoint.changed after the reconnect' });
  });

  it('stops on a wrong key instead of retrying forever', async () => {
    const emu = await startTestEmulator();
    cleanups.push(() => emu.close());
    const s = watch(`${emu.url}/v1/stream`, 'ppk_test_wrong');
    await waitFor(() => s.states.includes('unauthorized'), { what: 'unauthorized' });
    expect(s.states).toEqual(['connecting', 'unauthorized']);
  });

  it('drops a connection that goes silent and dials again', async () => {
    const open: ServerResponse[] = [];
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: ready\ndata: {}\n\n'); // then nothing, not even pings
      open.push(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
    const s = watch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/stream`, 'k', 200);
    await waitFor(() => open.length >= 2, { what: 'a second connection after the silence' });
    expect(s.states).toContain('reconnecting');
  });
});
