// A real local webhook receiver (node:http) on an ephemeral loopback port. Records every request with
// its raw body; answers with whatever `respond` says (default 200 OK).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait-for.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** Header names and values exactly as received, in order, duplicates kept: [name, value, …]. */
  rawHeaders: string[];
  /** The exact body bytes. */
  raw: Buffer;
}

export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Delay the answer (ms), e.g. to test timeouts. */
  delay?: number;
  /** Destroy the socket instead of answering. */
  destroy?: boolean;
}

export interface Receiver {
  url: string; // http://127.0.0.1:PORT
  port: number;
  requests: ReceivedRequest[];
  respond: (req: ReceivedRequest, index: number) => Reply | Promise<Reply>;
  waitForCount(n: number, timeout?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
  server: Server;
}

export async function startReceiver(respond?: Receiver['respond'], port = 0): Promise<Receiver> {
  const r = { requests: [] as ReceivedRequest[], respond: respond ?? (() => ({ status: 200, body: 'OK' })) } as Receiver;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const rec: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: raw.toString('utf8'), at: Date.now(), rawHeaders: req.rawHeaders, raw };
      const index = r.requests.push(rec) - 1;
      const reply = await r.respond(rec, index);
      if (reply.destroy) return void req.socket.destroy();
      const send = () => {
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...(reply.headers ?? {}) });
        res.end(reply.body ?? '');
      };
      if (reply.delay) setTimeout(send, reply.delay);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  r.server = server;
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}`;
  r.waitForCount = (n, timeout) => waitFor(() => r.requests.length >= n && r.requests, { timeout, what: `${n} requests at the receiver (have ${r.requests.length})` });
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}
