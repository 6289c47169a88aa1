// GET /v1/stream: Server-Sent Events relaying the emulator bus to live views (the dashboard).
// Authenticated like every /v1 route (Bearer header, checked by the app's onRequest hook); the
// dashboard reads it with fetch streaming, so no key ever goes into a URL.
import type { ServerResponse } from 'node:http';
import type { RoutePlugin } from '../context.js';
import type { EmulatorBusEvents } from '../bus.js';

export const STREAM_EVENTS = ['event.created', 'delivery.updated', 'endpoint.changed'] as const satisfies readonly (keyof EmulatorBusEvents)[];

/** A client that falls this far behind is dropped; it reconnects and reloads (bounded memory). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Comment lines keep proxies and idle timers from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/** One SSE message. JSON has no raw newlines, so `data` is always one line. */
export function sseMessage(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Signing secrets are never pushed to live views; the dashboard asks for them explicitly. */
function redact(event: string, data: unknown): unknown {
  if (event === 'endpoint.changed' && data && typeof data === 'object' && 'secret' in data) {
    const { secret: _secret, ...rest } = data as Record<string, unknown>;
    return rest;
  }
  return data;
}

export const streamRoutes: RoutePlugin = (app, ctx) => {
  const open = new Set<() => void>();
  // Close streams before the server waits for connections to drain, so shutdown is never held up.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  // No HEAD twin: a HEAD answer has no body to stream, and a hijacked one never flushed its headers
  // (the client hung and its bus listeners stayed subscribed).
  app.get('/v1/stream', { exposeHeadRoute: false }, (req, reply) => {
    reply.hijack();
    const res: ServerResponse = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const listeners = STREAM_EVENTS.map((event) => {
      // Only the stream's own key's changes.
      const listener = (data: unknown, owner: string) => {
        if (owner !== req.owner) return;
        if (res.writableLength > MAX_BUFFERED_BYTES) return end();
        res.write(sseMessage(event, redact(event, data)));
      };
      ctx.bus.on(event, listener);
      return () => ctx.bus.off(event, listener);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    let ended = false;
    function end() {
      if (ended) return;
      ended = true;
      open.delete(end);
      if (!open.size) ctx.store.notifier.watching?.(false);
      clearInterval(heartbeat);
      for (const off of listeners) off();
      if (!res.writableEnded) res.end();
    }
    open.add(end);
    // Other nodes send this one what changes there while a live view is open here.
    if (open.size === 1) ctx.store.notifier.watching?.(true);
    res.on('close', end);
    // `ready` after subscribing: a client that (re)connects reloads its view then and misses nothing.
    res.write(`retry: 2000\n\n${sseMessage('ready', { at: new Date().toISOString() })}`);
  });
};
