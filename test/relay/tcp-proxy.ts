// A tiny TCP proxy (node:net) between the CLI and the emulator, so tests can cut connections with a
// real TCP reset, like a network change would.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  url: string;
  port: number;
  /** RST every open connection (both sides). Returns how many were cut. */
  reset(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    reset() {
      const n = pairs.size;
      for (const [c, u] of [...pairs]) {
        pairs.delete([c, u]);
        c.resetAndDestroy();
        u.resetAndDestroy();
      }
      return n;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const [c, u] of pairs) c.destroy(), u.destroy();
        server.close(() => r());
      }),
  };
}
