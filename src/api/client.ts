// The HTTP client for the RCManager API, on node:http through the outbound module's sendOnce: one
// keep-alive Agent per client (node unrefs idle sockets, so a command exits as soon as its work is
// done), one deadline per call, and retries of idempotent calls (GET/PUT/DELETE/HEAD) on connection
// errors only: an HTTP answer, even a 5xx, is never retried (the server already acted on it).
// Not undici: loading it costs a short command more than its whole run (about 80% of `node -e 0`'s
// instructions, and its WebAssembly parser kept the process alive for background recompilation).
// node:https loads only for an https:// API.
import type { Agent as HttpAgent } from 'node:http';
import { sendOnce } from '../outbound/send-once.js';
import type { OutboundError } from '../outbound/classify.js';
import { MAX_REQUEST_BODY_BYTES } from '../contract/v1.js';
import { ApiError, bodyTooLargeError, httpError, noApiKeyError, transportError } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD';

/** Failures where nothing reached the API, so an idempotent call may safely go again. */
const RETRY_KINDS = new Set<OutboundError['kind']>(['refused', 'reset', 'unreachable']);
const IDEMPOTENT = new Set<HttpMethod>(['GET', 'PUT', 'DELETE', 'HEAD']);
/** Answers are read whole; this only bounds a runaway one. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export interface ClientOptions {
  apiUrl: string;
  apiKey: string | undefined;
  /** Per request, for connect and for the response headers and body. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls that could not connect. Default 2. */
  retries?: number;
  userAgent?: string;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export class ApiClient {
  readonly apiUrl: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly userAgent: string;
  private agent: Promise<HttpAgent> | undefined;

  constructor(opts: ClientOptions) {
    this.apiUrl = opts.apiUrl.replace(/\/+$/, '');
    this.apiKey = opts.apiKey;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.retries ?? 2;
    this.userAgent = opts.userAgent ?? 'propitbox-cli';
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.send<T>('GET', path, undefined, query);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('POST', path, body ?? {});
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PATCH', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.send<T>('DELETE', path);
  }

  /** Unauthenticated probe of GET /v1/health; resolves false instead of throwing. */
  async reachable(): Promise<boolean> {
    const r = await sendOnce({ method: 'GET', url: this.apiUrl + '/v1/health', headers: [], body: '', deadlineMs: 5_000 }, { agent: await this.keepAlive() });
    return r.status !== null && r.status < 500;
  }

  async send<T>(method: HttpMethod, path: string, body?: unknown, query?: Query): Promise<T> {
    if (!this.apiKey) throw noApiKeyError();
    let url: URL;
    try {
      url = new URL(this.apiUrl + path);
    } catch {
      throw new ApiError(`API URL '${this.apiUrl}' is not a URL: check --api-url`, 0, 'config_error', 'bad_api_url');
    }
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    const headers = ['authorization', `Bearer ${this.apiKey}`, 'accept', 'application/json', 'user-agent', this.userAgent];
    if (body !== undefined) headers.push('content-type', 'application/json');
    const payload = body === undefined ? '' : JSON.stringify(body);
    // Checked here: sent anyway, it gets a 413 or, mid-upload, a reset that looks like "unreachable".
    if (payload.length > MAX_REQUEST_BODY_BYTES / 4 && Buffer.byteLength(payload) > MAX_REQUEST_BODY_BYTES) throw bodyTooLargeError(Buffer.byteLength(payload));
    const req = { method, url: url.href, headers, body: payload, deadlineMs: this.timeoutMs };
    const agent = await this.keepAlive();
    // One deadline for the whole call, retries included.
    const end = Date.now() + this.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const r = await sendOnce({ ...req, deadlineMs: Math.max(1, end - Date.now()) }, { agent, excerptBytes: MAX_ANSWER_BYTES });
      if (r.error) {
        const delay = Math.min(100 * 2 ** attempt, 1_000);
        if (IDEMPOTENT.has(method) && RETRY_KINDS.has(r.error.kind) && attempt < this.retries && Date.now() + delay < end) {
          await new Promise((resolve) => setTimeout(resolve, delay));
          continue;
        }
        throw transportError(r.error, this.apiUrl, this.timeoutMs);
      }
      const status = r.status ?? 0;
      if (status < 200 || status >= 300) throw httpError(status, r.body, this.apiUrl);
      if (!r.body) return undefined as T;
      try {
        return JSON.parse(r.body) as T;
      } catch {
        throw new ApiError(`API at ${this.apiUrl} answered ${status} with a body that is not JSON: check --api-url`, status, 'api_error', 'bad_json');
      }
    }
  }

  private keepAlive(): Promise<HttpAgent> {
    this.agent ??= (this.apiUrl.startsWith('https:') ? import('node:https') : import('node:http')).then((m) => new m.Agent({ keepAlive: true }));
    return this.agent;
  }

  async close(): Promise<void> {
    (await this.agent)?.destroy();
  }
}
