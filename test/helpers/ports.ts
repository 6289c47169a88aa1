// A loopback port that was free a moment ago, for a process that must come back on the same port
// (a restarted emulator that `webhooks listen` reconnects to, a script that needs the URL up front).
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
