// Preload (NODE_OPTIONS=--import) for child processes: DNS lookups of *.hang.test never return, the way
// a resolver that does not answer holds getaddrinfo in libuv's thread pool. The hang is a real pending
// thread-pool request (opening a FIFO nobody writes to), so it keeps the event loop alive just as a
// stuck lookup does. PROPITBOX_TEST_HANG_FIFO names the FIFO; one line on stderr per hung lookup.
import dns from 'node:dns';
import { open } from 'node:fs';

const fifo = process.env.PROPITBOX_TEST_HANG_FIFO;
const lookup = dns.lookup;
dns.lookup = function (host, options, callback) {
  if (fifo && typeof host === 'string' && host.endsWith('.hang.test')) {
    process.stderr.write(`test: DNS lookup of ${host} hangs\n`);
    open(fifo, 'r', () => undefined); // blocks a pool thread until a writer opens the FIFO: never
    return {};
  }
  return lookup.call(this, host, options, callback);
};
