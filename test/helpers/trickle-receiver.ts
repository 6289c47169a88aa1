// A receiver that answers slowly on purpose: node:http that writes the head (200) at once and then one
// byte every 200 ms, 18 bytes in all (3.6 s), so a per-read idle timeout never fires while a total
// deadline does. Each request's start and socket close are recorded.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Trickler {
  url: string;
  /** One entry per request: its path, when it arrived, and when its connection closed (null while open). */
  requests: Array<{ path: string; at: number; closedAt: number | null }>;
  close(): Promise<void>;
}

export async function startTrickler(bytes = 18, everyMs = 200): Promise<Trickler> {
  const requests: Trickler['requests'] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const rec = { path: req.url ?? '', at: Date.now(), closedAt: null as number | null };
      requests.push(rec);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      let sent = 0;
      const timer = setInterval(() => {
        res.write('x');
        if (++sent >= bytes) {
          clearInterval(timer);
          res.end();
        }
      }, everyMs);
      res.on('close', () => {
        clearInterval(timer);
        rec.closedAt = Date.now();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
