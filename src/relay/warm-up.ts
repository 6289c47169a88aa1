// Before the first event: a short burst of forwards through the whole path (signing, undici and its
// WebAssembly HTTP parser, the outbound exchange) to a throwaway server on loopback. V8 compiles each of
// these on first use; left to the first real events that took 50-300 ms on a busy machine, and at
// 500 events/s every event queued behind them waited as long (the relay's worst latencies were its
// first second). Nothing of it is shown, recorded or sent anywhere else.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Forwarder } from './forwarder.js';

export const WARM_UP_FORWARDS = 32;

/** Never throws: warming up is only an optimisation. */
export async function warmUpForwarding(n = WARM_UP_FORWARDS): Promise<void> {
  const server = createServer((req, res) => req.resume().on('end', () => res.end('OK')));
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/warm-up`;
    const forwarder = new Forwarder({ secret: 'whsec_d2FybS11cCBvbmx5LCBuZXZlciB1c2Vk', timeoutMs: 2_000 });
    const body = JSON.stringify({ id: 'evt_warmup0000', type: 'vehicle.created', created: new Date().toISOString(), data: {} });
    for (let i = 0; i < n; i++) await forwarder.forward(url, { id: 'evt_warmup0000', type: 'vehicle.created', body });
    await forwarder.close();
  } catch {
    /* the first events pay for it instead */
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
