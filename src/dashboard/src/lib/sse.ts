// Server-Sent Events over fetch streaming, so the API key travels in the Authorization header (an
// EventSource cannot send headers, and a key in the URL would end up in logs and history).
export interface SseMessage {
  event: string;
  data: string;
}

/** Incremental text/event-stream parser: feed chunks, get the complete messages so far. */
export function createSseParser() {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  return function feed(chunk: string): SseMessage[] {
    buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const nl = buffer.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (data.length) out.push({ event: event || 'message', data: data.join('\n') });
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue; // comment / heartbeat
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    return out;
  };
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

/** Delay before reconnect attempt n (0-based): 0.5 s, 1 s, 2 s, then 5 s. Pure. */
export function reconnectDelay(attempt: number): number {
  return [500, 1000, 2000][attempt] ?? 5000;
}

export interface StreamOptions {
  key: string;
  url?: string;
  onMessage(msg: SseMessage): void;
  onState(state: StreamState): void;
  /** Reconnect after this much silence (default STALE_AFTER_MS). */
  staleAfterMs?: number;
}

/** The server pings every 15 s; this much silence means a dead connection (e.g. after a laptop sleeps). */
export const STALE_AFTER_MS = 45_000;

/** Keeps one stream open until the returned stop() is called, reconnecting with backoff. */
export function openStream(opts: StreamOptions): () => void {
  const abort = new AbortController();
  let attempt = 0;
  const staleAfter = opts.staleAfterMs ?? STALE_AFTER_MS;
  const run = async () => {
    while (!abort.signal.aborted) {
      opts.onState(attempt === 0 ? 'connecting' : 'reconnecting');
      const current = new AbortController();
      const stop = () => current.abort();
      abort.signal.addEventListener('abort', stop);
      let watchdog = setTimeout(stop, staleAfter);
      try {
        const res = await fetch(opts.url ?? '/v1/stream', {
          headers: { authorization: `Bearer ${opts.key}`, accept: 'text/event-stream' },
          signal: current.signal,
          cache: 'no-store',
        });
        if (res.status === 401) return opts.onState('unauthorized');
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        const feed = createSseParser();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          clearTimeout(watchdog);
          watchdog = setTimeout(stop, staleAfter);
          for (const msg of feed(value)) {
            // The server says `ready` once subscribed: only then is the page truly live.
            if (msg.event === 'ready') {
              attempt = 0;
              opts.onState('live');
            }
            opts.onMessage(msg);
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      } finally {
        clearTimeout(watchdog);
        abort.signal.removeEventListener('abort', stop);
      }
      const delay = reconnectDelay(attempt++);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
  void run();
  return () => abort.abort();
}
