// A sender that writes HTTP/1.1 by hand over a socket: exact header names, order and duplicates, and
// exact body bytes (fetch would merge duplicate headers and normalise names).
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Send one request and read one response (Connection: close). */
export function rawRequest(url: string, method: string, headers: Array<[string, string]>, body: Buffer = Buffer.alloc(0), opts: { chunked?: boolean } = {}): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const h: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        h[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      let payload = rest.join('\r\n\r\n');
      if (h['transfer-encoding'] === 'chunked') payload = unchunk(payload);
      resolve({ status: Number(statusLine.split(' ')[1]), headers: h, body: payload });
    });
    const lines = [`${method} ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`, 'Connection: close', ...headers.map(([k, v]) => `${k}: ${v}`)];
    if (opts.chunked) lines.push('Transfer-Encoding: chunked');
    else if (body.length || method !== 'GET') lines.push(`Content-Length: ${body.length}`);
    socket.write(Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'));
    if (opts.chunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) {
        const part = body.subarray(i, i + 64 * 1024);
        socket.write(`${part.length.toString(16)}\r\n`);
        socket.write(part);
        socket.write('\r\n');
      }
      socket.write('0\r\n\r\n');
    } else socket.write(body);
  });
}

function unchunk(s: string): string {
  let out = '';
  let rest = s;
  for (;;) {
    const i = rest.indexOf('\r\n');
    const n = parseInt(rest.slice(0, i), 16);
    if (!n) return out;
    out += rest.slice(i + 2, i + 2 + n);
    rest = rest.slice(i + 2 + n + 2);
  }
}
