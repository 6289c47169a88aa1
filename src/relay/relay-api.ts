// The few API calls a listen session needs (listen sessions, one event), kept behind this one module.
// Errors become one-line FailedErrors that name the fix.
import { Agent, request } from 'undici';
import type { ApiErrorBody, ListenSession, WebhookEvent } from '../api/types.js';
import { FailedError } from '../cli/errors.js';

export interface CreateSessionInput {
  events?: string[];
  label?: string;
  since?: number; // seconds
}

export class RelayApi {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000 });

  constructor(readonly apiUrl: string, readonly apiKey: string) {}

  createSession(input: CreateSessionInput): Promise<ListenSession> {
    return this.call<ListenSession>('POST', '/v1/listen-sessions', input) as Promise<ListenSession>;
  }

  /** null when the session does not exist (any more). */
  getSession(id: string): Promise<ListenSession | null> {
    return this.call<ListenSession>('GET', `/v1/listen-sessions/${encodeURIComponent(id)}`, undefined, true);
  }

  async deleteSession(id: string): Promise<void> {
    await this.call('DELETE', `/v1/listen-sessions/${encodeURIComponent(id)}`, undefined, true);
  }

  getEvent(id: string): Promise<WebhookEvent | null> {
    return this.call<WebhookEvent>('GET', `/v1/events/${encodeURIComponent(id)}`, undefined, true);
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, nullOn404 = false): Promise<T | null> {
    let res;
    try {
      res = await request(this.apiUrl + path, {
        method,
        dispatcher: this.agent,
        headers: { authorization: `Bearer ${this.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: 15_000,
        bodyTimeout: 15_000,
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      throw new FailedError(`API unreachable at ${this.apiUrl} (${code || (err as Error).message})`, 'is `propitbox dev` running? check --api-url');
    }
    const text = await res.body.text();
    if (res.statusCode === 404 && nullOn404) return null;
    if (res.statusCode >= 400) {
      let msg = text.slice(0, 200);
      try {
        msg = (JSON.parse(text) as ApiErrorBody).error.message;
      } catch {
        /* not our error shape: show the start of the body */
      }
      if (res.statusCode === 401) throw new FailedError(`Invalid API key for ${this.apiUrl}`, 'run `propitbox login` or use the key printed by `propitbox dev`');
      throw new FailedError(`${method} ${path} failed (${res.statusCode}): ${msg}`);
    }
    return text ? (JSON.parse(text) as T) : (null as T);
  }
}
