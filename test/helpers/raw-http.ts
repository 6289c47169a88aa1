// HTTP/1.1 over a bare TCP socket, for requests fetch() would normalize or refuse: encoded and
// dot-segment paths, absolute-form targets, odd Host headers, broken framing, slow uploads.
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The socket was reset before a full response arrived (ECONNRESET/EPIPE). */
  reset: boolean;
}

export interface RawRequest {
  method: string;
  target: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Parse the first response in `data`; null while it is incomplete. A 101 or a 2xx stream (SSE) counts once its headers are in. */
export function parseResponse(data: Buffer, ended: boolean): Omit<RawResponse, 'reset'> | null {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  if (status === 100) return parseResponse(data.subarray(end + 4), ended);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const rest = data.subarray(end + 4);
  const length = headers['content-length'];
  if (length !== undefined) {
    if (rest.length < Number(length)) return ended ? { status, headers, body: rest.toString('utf8') } : null;
    return { status, headers, body: rest.subarray(0, Number(length)).toString('utf8') };
  }
  if (status === 101) return { status, headers, body: '' };
  if (status >= 200 && status < 300 && headers['content-type']?.startsWith('text/event-stream')) return { status, headers, body: rest.toString('utf8') };
  return ended ? { status, headers, body: rest.toString('utf8') } : null;
}

/** Send one request (`Connection: close`) and read the first response; `timeoutMs` bounds it. */
export function rawRequest(port: number, req: RawRequest, timeoutMs = 5_000): Promise<RawResponse> {
  const h: Record<string, string> = { host: `127.0.0.1:${port}`, connection: 'close', ...req.headers };
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
  if (body && h['content-length'] === undefined) h['content-length'] = String(body.length);
  const head = `${req.method} ${req.target} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return rawExchange(port, (sock) => {
    sock.write(head);
    if (body) sock.write(body);
  }, timeoutMs);
}

/** Open a socket, let `send` write to it, and resolve with the first response (or the reset). */
export function rawExchange(port: number, send: (sock: net.Socket) => void, timeoutMs = 5_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (ended: boolean, reset = false) => {
      if (done) return;
      const r = parseResponse(data, ended);
      if (!r && !ended) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (r) resolve({ ...r, reset });
      else resolve({ status: 0, headers: {}, body: data.toString('utf8'), reset });
    };
    const timer = setTimeout(() => {
      done = true;
      sock.destroy();
      reject(new Error(`no response within ${timeoutMs} ms; got ${JSON.stringify(data.toString('latin1').slice(0, 200))}`));
    }, timeoutMs);
    sock.on('connect', () => send(sock));
    sock.on('data', (b) => {
      data = Buffer.concat([data, b]);
      finish(false);
    });
    sock.on('end', () => finish(true));
    sock.on('error', (e: NodeJS.ErrnoException) => finish(true, e.code === 'ECONNRESET' || e.code === 'EPIPE'));
    sock.on('close', () => finish(true));
  });
}

/** The API's error shape: exactly `{"error":{type,code,message,param?}}` with strings. */
export function isErrorShape(body: string): boolean {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return false;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).join() !== 'error') return false;
  const e = (v as { error: Record<string, unknown> }).error;
  if (!e || typeof e !== 'object') return false;
  const keys = Object.keys(e);
  if (!keys.every((k) => ['type', 'code', 'message', 'param'].includes(k))) return false;
  return typeof e.type === 'string' && typeof e.code === 'string' && typeof e.message === 'string' && e.message.length > 0 && (e.param === undefined || typeof e.param === 'string');
}
