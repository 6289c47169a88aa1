// The HTTP client for the RCManager API, on undici: one keep-alive Agent per client, timeouts, and
// retries of idempotent calls (GET/PUT/DELETE) on connection errors only, via undici's RetryAgent
// (statusCodes: [] so an HTTP answer, even a 5xx, is never retried: the server already acted on it).
// Import this module lazily (from command actions) so text-only commands never load undici.
import { Agent, RetryAgent, request, type Dispatcher } from 'undici';
import { MAX_REQUEST_BODY_BYTES } from '../contract/v1.js';
import { ApiError, bodyTooLargeError, httpError, noApiKeyError, transportError } from './errors.js';

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
  private readonly dispatcher: Dispatcher;
  private readonly agent: Agent;
  private readonly userAgent: string;

  constructor(opts: ClientOptions) {
    this.apiUrl = opts.apiUrl.replace(/\/+$/, '');
    this.apiKey = opts.apiKey;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.userAgent = opts.userAgent ?? 'propitbox-cli';
    this.agent = new Agent({ keepAliveTimeout: 10_000, headersTimeout: 0, bodyTimeout: 0, connect: { timeout: 0 } });
    this.dispatcher = new RetryAgent(this.agent, {
      maxRetries: opts.retries ?? 2,
      minTimeout: 100,
      maxTimeout: 1_000,
      methods: ['GET', 'PUT', 'DELETE', 'HEAD'],
      statusCodes: [],
      errorCodes: ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'ENETUNREACH', 'EHOSTUNREACH'],
    });
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
    try {
      const res = await request(this.apiUrl + '/v1/health', { dispatcher: this.agent, signal: AbortSignal.timeout(5_000) });
      await res.body.dump();
      return res.statusCode < 500;
    } catch {
      return false;
    }
  }

  async send<T>(method: Dispatcher.HttpMethod, path: string, body?: unknown, query?: Query): Promise<T> {
    if (!this.apiKey) throw noApiKeyError();
    const url = new URL(this.apiUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, accept: 'application/json', 'user-agent': this.userAgent };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // Checked here: sent anyway, it gets a 413 or, mid-upload, a reset that looks like "unreachable".
    if (payload !== undefined && payload.length > MAX_REQUEST_BODY_BYTES / 4 && Buffer.byteLength(payload) > MAX_REQUEST_BODY_BYTES) throw bodyTooLargeError(Buffer.byteLength(payload));
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method,
        headers,
        body: payload,
        dispatcher: this.dispatcher,
        // One deadline for the whole call via an (unref'd) AbortSignal timer. undici's own
        // headers/body timeouts run on a 500 ms ticker that keeps a short CLI process alive after
        // it is done, so they are off.
        headersTimeout: 0,
        bodyTimeout: 0,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw transportError(err, this.apiUrl, this.timeoutMs);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw transportError(err, this.apiUrl, this.timeoutMs);
    }
    if (res.statusCode < 200 || res.statusCode >= 300) throw httpError(res.statusCode, text, this.apiUrl);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(`API at ${this.apiUrl} answered ${res.statusCode} with a body that is not JSON: check --api-url`, res.statusCode, 'api_error', 'bad_json');
    }
  }

  async close(): Promise<void> {
    // RetryAgent does not own the Agent: close both, or idle keep-alive sockets hold the process open.
    await Promise.all([this.dispatcher.close().catch(() => undefined), this.agent.close().catch(() => undefined)]);
  }
}
