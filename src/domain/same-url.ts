// Do two URLs reach the same receiver? localhost, 127.0.0.1 and [::1] are one host, a default port
// is the same as none, and a trailing slash does not matter. Pure; used to warn when an endpoint and a
// running forwarder both deliver to one app (it would get every event twice, one of them signed with a
// secret it does not use).
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function sameReceiver(a: string, b: string): boolean {
  const x = key(a);
  return x !== null && x === key(b);
}

function key(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  const host = LOOPBACK.has(u.hostname) ? 'loopback' : u.hostname;
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return `${u.protocol}//${host}:${port}${u.pathname.replace(/\/+$/, '')}${u.search}`;
}

/** The warning both sides (the forwarder's screen, `webhooks create`) show for such a pair. */
export function duplicateTargetMessage(endpointId: string, url: string, sessionId: string): string {
  return `Endpoint ${endpointId} and listen session ${sessionId} both deliver to ${url}: your app gets every event twice, once signed with the endpoint's secret. Keep one (\`propitbox webhooks delete ${endpointId}\`, or stop the listen)`;
}
