// A full disk: the API answers 507 storage_full (not a generic 500), /v1/health says degraded until a
// write goes through again, and a delivery whose answer is known is never sent again because its
// result could not be written. The full disk is SQLite's own SQLITE_FULL (max_page_count, a database
// size limit) for the API, and an injected one at the store boundary for the engine's result writes.
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!().catch(() => undefined);
});

async function setup(): Promise<{ emu: TestEmulator; rx: Receiver; logs: string[] }> {
  const logs: string[] = [];
  const rx = await startReceiver();
  cleanup.push(() => rx.close());
  const emu = await startTestEmulator({ log: (l) => logs.push(l) });
  cleanup.push(() => emu.close());
  expect((await emu.api('POST', '/v1/webhooks', { url: `${rx.url}/hooks`, events: ['*'] })).status).toBe(201);
  return { emu, rx, logs };
}

/** The database may not grow past its current pages: every write that needs a new page is SQLITE_FULL. */
function fillDisk(emu: TestEmulator): void {
  const db = emu.emulator.db;
  db.exec('VACUUM'); // no free pages left to reuse
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
}

describe('disk full', () => {
  it('answers 507 storage_full in the error shape, health is degraded until writes work again', async () => {
    const { emu, logs } = await setup();
    fillDisk(emu);
    const big = { type: 'vehicle.created', data: { notes: 'x'.repeat(200_000) } };
    const res = await emu.api('POST', '/v1/events', big);
    expect(res.status).toBe(507);
    expect(res.body).toEqual({ error: { type: 'api_error', code: 'storage_full', message: "The server's disk is full: nothing was stored. Free space on the disk of its data dir, then retry" } });
    expect(logs.join('\n')).not.toMatch(/\n\s+at /); // no stack trace for a full disk

    const degraded = await emu.api('GET', '/v1/health', undefined, { authorization: '' });
    expect(degraded.status).toBe(503);
    expect(degraded.body).toMatchObject({ ok: false, status: 'degraded', store: { ok: false, code: 'storage_full' } });
    // Reads still work.
    expect((await emu.api('GET', '/v1/webhooks')).status).toBe(200);

    emu.emulator.db.pragma('max_page_count = 1073741823'); // space again
    const healthy = await emu.api('GET', '/v1/health', undefined, { authorization: '' });
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ ok: true, status: 'ok' });
    expect((await emu.api('POST', '/v1/events', big)).status).toBe(201);
  });

  it('keeps an answered delivery in memory while its result cannot be written: sent once, recorded later', async () => {
    const { emu, rx, logs } = await setup();
    const store = emu.emulator.context.sqlite.deliveryStore;
    // The engine's results are written inside a shared transaction by writeResults.
    const record = store.writeResults.bind(store);
    let failures = 4;
    store.writeResults = (results) => {
      if (failures > 0) {
        failures--;
        throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
      }
      record(results);
    };
    const ev = await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: {} });
    expect(ev.status).toBe(201);
    await rx.waitForCount(1);
    await waitFor(() => failures === 0 || undefined, { what: 'the four failed result writes' });
    const delivery = await waitFor(async () => {
      const d = (await emu.api('GET', `/v1/deliveries?event_id=${ev.body.event.id}`)).body.data[0];
      return d.status === 'succeeded' && d;
    }, { what: 'the delivery recorded as succeeded' });
    expect(delivery.attempt_count).toBe(1);
    expect(rx.requests).toHaveLength(1);
    expect(logs.filter((l) => l.startsWith('could not record'))).toEqual(['could not record 1 delivery results (database or disk is full): kept in memory, not sent again; retrying the write']);
    expect(logs).toContain('delivery results are being recorded again (1 kept in memory were written)');
  });

  it('keeps a listen ack the disk refused and writes it later: the session delivery is recorded, not lost or re-sent', async () => {
    const { emu, logs } = await setup();
    const session = (await emu.api('POST', '/v1/listen-sessions', {})).body as { id: string; ws_url: string };
    const ws = new WebSocket(session.ws_url, { headers: { authorization: `Bearer ${emu.apiKey}` } });
    const events: { seq: number; id: string }[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.t === 'event') events.push(m);
    });
    await new Promise((r) => ws.on('open', r));
    cleanup.push(async () => ws.terminate());
    ws.send(JSON.stringify({ t: 'hello', v: 1, last_seq: null }));
    const store = emu.emulator.context.sqlite.deliveryStore;
    const record = store.recordSessionAttempt.bind(store);
    let failures = 3;
    store.recordSessionAttempt = (id, attempt) => {
      if (failures > 0) {
        failures--;
        throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
      }
      return record(id, attempt);
    };
    const ev = (await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: {} })).body.event;
    const e = await waitFor(() => events.find((m) => m.id === ev.id), { what: 'the event on the websocket' });
    ws.send(JSON.stringify({ t: 'ack', seq: e.seq, event_id: e.id, url: 'http://localhost:3000/hook', status_code: 200, duration_ms: 3, error: null }));
    const d = await waitFor(async () => {
      const found = (await emu.api('GET', `/v1/deliveries?session_id=${session.id}`)).body.data[0];
      return found?.status === 'succeeded' && found;
    }, { what: 'the session delivery recorded' });
    expect(failures).toBe(0);
    expect(d).toMatchObject({ attempt_count: 1, last_status_code: 200 });
    expect(logs.filter((l) => l.startsWith('relay: could not record acks'))).toHaveLength(3);
  });
});
