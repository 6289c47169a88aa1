// RelayConnection's timing with fake timers (as wrangler's tail tests do): the backoff between dials
// follows the policy, nothing dials while it waits, an intentional close stops the dialing, it gives up
// past maxElapsedMs, and a silent relay is detected by the heartbeat. Sockets are real (loopback).
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import type { ConnectionState } from '../../src/relay/listen-events.js';
import { RelayConnection, type RelayConnectionOptions } from '../../src/relay/relay-connection.js';

/** A loopback port nobody listens on: every dial is refused at once. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Records states and lets a test await the next one of a kind (resolved by the callback, not a timer). */
function recorder() {
  const states: ConnectionState[] = [];
  const waiters: Array<{ state: ConnectionState['state']; from: number; resolve: (s: ConnectionState) => void }> = [];
  const onState = (s: ConnectionState) => {
    states.push(s);
    for (const w of [...waiters]) {
      if (w.state === s.state && states.length > w.from) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(s);
      }
    }
  };
  const next = (state: ConnectionState['state']) => new Promise<ConnectionState>((resolve) => waiters.push({ state, from: states.length, resolve }));
  return { states, onState, next };
}

function connection(url: string, o: Partial<RelayConnectionOptions> & Pick<RelayConnectionOptions, 'onState'>): RelayConnection {
  return new RelayConnection({
    apiKey: 'k',
    wsUrl: () => url,
    lastAckedSeq: () => null,
    onWelcome: () => undefined,
    onEvent: () => undefined,
    onSessionGone: async () => undefined,
    onFatal: () => undefined,
    random: () => 0.5,
    ...o,
  });
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('relay connection timing', () => {
  it('waits the policy delay between dials, dials nothing meanwhile, and stops dialing once closed', async () => {
    const rec = recorder();
    const c = connection(`ws://127.0.0.1:${await closedPort()}/`, { onState: rec.onState, policy: { baseMs: 1000, capMs: 4000, maxElapsedMs: Infinity } });
    let reconnecting = rec.next('reconnecting');
    c.start();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await reconnecting; // the refused dial is real I/O
      const inMs = (r as { inMs: number }).inMs;
      delays.push(inMs);
      const dials = rec.states.filter((s) => s.state === 'connecting').length;
      await vi.advanceTimersByTimeAsync(inMs - 1);
      expect(rec.states.filter((s) => s.state === 'connecting').length).toBe(dials); // not a moment early
      reconnecting = rec.next('reconnecting');
      await vi.advanceTimersByTimeAsync(1);
      expect(rec.states.filter((s) => s.state === 'connecting').length).toBe(dials + 1);
    }
    // full jitter at random 0.5: half of base * 2^attempt, capped at 4 s
    expect(delays).toEqual([500, 1000, 2000, 2000, 2000]);
    await reconnecting;
    await c.close();
    const dials = rec.states.filter((s) => s.state === 'connecting').length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(rec.states.filter((s) => s.state === 'connecting').length).toBe(dials);
    expect(rec.states.at(-1)).toEqual({ state: 'closed', reason: 'stopped' });
  });

  it('gives up with one fatal line once the relay has been gone longer than maxElapsedMs', async () => {
    const rec = recorder();
    let fatal: string | null = null;
    let gaveUp!: () => void;
    const done = new Promise<void>((r) => (gaveUp = r));
    const c = connection(`ws://127.0.0.1:${await closedPort()}/`, {
      onState: rec.onState,
      onFatal: (m) => {
        fatal = m;
        gaveUp();
      },
      policy: { baseMs: 1000, capMs: 1000, maxElapsedMs: 2500 },
    });
    let reconnecting = rec.next('reconnecting');
    c.start();
    for (;;) {
      const r = await Promise.race([reconnecting, done]);
      if (!r) break;
      reconnecting = rec.next('reconnecting');
      await vi.advanceTimersByTimeAsync((r as { inMs: number }).inMs);
    }
    expect(fatal).toMatch(/^Gave up reconnecting to the relay: /);
    // 500 ms apart (random 0.5 of a 1 s cap): retries at 0 .. 2.5 s since the loss, the next one is past 2.5 s
    expect(rec.states.filter((s) => s.state === 'reconnecting').map((s) => (s as { inMs: number }).inMs)).toEqual([500, 500, 500, 500, 500, 500]);
    await c.close();
  });

  it('replaces a connection whose relay stops answering pings (2 heartbeats of silence)', async () => {
    // autoPong off: the relay holds the socket open but never answers, like one behind a dead NAT entry.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const rec = recorder();
    const c = connection(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/`, { onState: rec.onState, heartbeatMs: 1000 });
    // The client's hello arrives once its socket is open and its heartbeat is running.
    const opened = new Promise<void>((r) => wss.once('connection', (ws) => ws.once('message', () => r())));
    const reconnecting = rec.next('reconnecting');
    c.start();
    await opened;
    await vi.advanceTimersByTimeAsync(2000);
    expect(rec.states.some((s) => s.state === 'reconnecting')).toBe(false); // 2 s of silence is still allowed
    await vi.advanceTimersByTimeAsync(1000);
    expect(await reconnecting).toMatchObject({ state: 'reconnecting', reason: 'no heartbeat from the relay for 3 s' });
    await c.close();
    await new Promise((r) => wss.close(r));
  });
});
