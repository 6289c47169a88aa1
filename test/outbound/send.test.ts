// The two transports of the outbound module (undici pool, one-shot node:http) against real loopback
// servers: the same request spec in, the same result shape out, the same total deadline.
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTrickler, type Trickler } from '../helpers/trickle-receiver.js';
import { waitFor } from '../helpers/wait-for.js';
import type { OutboundRequest, OutboundResult } from '../../src/outbound/request.js';
import { sendOnce } from '../../src/outbound/send-once.js';
import { sendPooled } from '../../src/outbound/send-pooled.js';

let rx: Receiver;
let trickler: Trickler;
let silent: TcpServer; // answers with an SSH banner: not HTTP
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 8 });

beforeAll(async () => {
  rx = await startReceiver((req) => {
    if (req.path === '/moved') return { status: 302, headers: { location: '/elsewhere' } };
    if (req.path === '/big') return { status: 200, body: 'y'.repeat(100_000) };
    if (req.path === '/reset') return { status: 200, destroy: true };
    return { status: 201, body: 'made', headers: { 'x-reply': 'yes' } };
  });
  trickler = await startTrickler();
  silent = createTcpServer((s) => s.resume().end('SSH-2.0-OpenSSH_9.6\r\n'));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await agent.close();
  await rx?.close();
  await trickler?.close();
  await new Promise((r) => silent?.close(r));
});

const transports: Array<[string, (req: OutboundRequest) => Promise<OutboundResult>]> = [
  ['pooled (undici dispatcher)', (req) => sendPooled(agent, req)],
  ['one-shot (node:http)', (req) => sendOnce(req)],
];

const post = (url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest => ({ method: 'POST', url, headers: ['content-type', 'application/json'], body: '{"a":1}', deadlineMs: 5_000, ...extra });

describe.each(transports)('outbound send, %s', (_name, send) => {
  it('sends the exact body and the header pairs in order, duplicates kept; returns status, headers, body, duration', async () => {
    const before = rx.requests.length;
    const body = Buffer.from('{"é":"✓"}');
    const r = await send(post(`${rx.url}/hook?x=1`, { headers: ['X-Sig', 'a', 'x-trace', '1', 'x-trace', '2', 'Content-Length', '999'], body }));
    expect(r).toMatchObject({ status: 201, body: 'made', error: null, headers: { 'x-reply': 'yes' } });
    expect(r.durationMs).toBeGreaterThan(0);
    expect(r.startedAt).toBeLessThanOrEqual(Date.now());
    const got = rx.requests[before];
    expect(got.path).toBe('/hook?x=1');
    expect(Buffer.from(got.body)).toEqual(body);
    expect(got.headers['x-sig']).toBe('a');
    expect(got.headers['x-trace']).toBe('1, 2');
    // The transport frames the message: a stale Content-Length from the caller is not sent.
    expect(got.headers['content-length']).toBe(String(body.length));
    expect(got.headers.host).toBe(new URL(rx.url).host);
  });

  it('a trickled answer is cut at the total deadline with a timeout, not read for 3.6 s', async () => {
    const started = Date.now();
    const r = await send(post(`${trickler.url}/hook`, { deadlineMs: 1_000 }));
    const took = Date.now() - started;
    expect(r.status).toBeNull();
    expect(r.error).toMatchObject({ kind: 'timeout', line: 'timeout after 1000 ms', retryable: true });
    expect(r.headers['content-type']).toBe('text/plain'); // the head did arrive
    expect(r.body).toMatch(/^x{3,5}$/);
    expect(took).toBeGreaterThanOrEqual(990);
    expect(took).toBeLessThan(2_500); // the whole trickle takes 3.6 s; room for a busy machine
    // The connection is dropped at the deadline, not left trickling.
    await waitFor(() => trickler.requests.at(-1)!.closedAt, { what: 'the trickling connection closed' });
    expect(trickler.requests.at(-1)!.closedAt! - started).toBeLessThan(2_700);
  });

  it('keeps at most the excerpt of a large answer and still reports it as answered', async () => {
    const r = await send(post(`${rx.url}/big`));
    expect(r).toMatchObject({ status: 200, error: null });
    expect(r.body).toHaveLength(20 * 1024);
  });

  it('does not follow redirects: the 3xx comes back as the answer', async () => {
    const r = await send(post(`${rx.url}/moved`));
    expect(r).toMatchObject({ status: 302, error: null, headers: { location: '/elsewhere' } });
  });

  it('classifies refused, reset, not-HTTP and bad URLs', async () => {
    const dead = await startReceiver();
    const deadUrl = dead.url;
    await dead.close();
    expect((await send(post(deadUrl))).error).toMatchObject({ kind: 'refused', line: 'connection refused', detail: `connect ECONNREFUSED ${new URL(deadUrl).host}`, retryable: true });
    expect(await send(post(`${rx.url}/reset`))).toMatchObject({ status: null, error: { kind: 'reset', retryable: true } });
    expect((await send(post(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`))).error).toMatchObject({ kind: 'not-http', retryable: false });
    expect((await send(post('localhost:3000/hook'))).error).toMatchObject({ kind: 'bad-url', retryable: false });
    expect((await send(post('not a url'))).error).toMatchObject({ kind: 'bad-url', retryable: false });
  });
});
