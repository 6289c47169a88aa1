// The public ingest URL: ANY /in/<token>[/<path>][?<query>], no API key (the token is the capability).
// The raw request is committed first (method, path after the token, raw query, every header pair in
// order with duplicates, the exact body bytes), then the sender gets 202 {"id":"req_…"} at once, or
// the channel's configured answer, or (wait_for_response) the local app's answer within its timeout.
// Bodies are never parsed here: the only content parser of this plugin takes any bytes as a Buffer,
// and content-type is hidden from fastify so no media type can be refused or decoded.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { RoutePlugin } from '../context.js';
import { sendError, toApiError } from '../error-handler.js';
import { ApiHttpError } from '../errors.js';
import { ingestFor } from '../ingest/index.js';
import type { LocalAnswer } from '../ingest/waiters.js';
import type { ChannelRow } from '../store/ingest-channels.js';

const URL_PARTS = /^\/in\/([^/?]*)(\/[^?]*)?(?:\?(.*))?$/s;

interface Target {
  channel: ChannelRow;
  path: string;
  query: string;
}

export const ingestReceiveRoutes: RoutePlugin = (app, ctx) => {
  const ingest = ingestFor(ctx, app);
  const limit = ingest.maxBody;
  const targets = new WeakMap<IncomingMessage, Target>();
  app.addHook('onClose', async () => ingest.close());

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const e = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? tooLarge(limit) : toApiError(err);
    if (e.statusCode >= 500) ctx.log(`ingest: ${err.stack ?? err.message}`);
    sendError(req, reply, e);
  });

  // Before the body is read: unknown, rotated and rate-limited URLs are refused without storing anything.
  const resolve = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const m = URL_PARTS.exec(req.raw.url ?? '');
    const found = m ? ingest.channels.lookup(m[1]) : null;
    if (!m || !found) return done(new ApiHttpError(404, 'invalid_request_error', 'ingest_url_unknown', 'No ingest channel has this URL: check it for typos (`propitbox ingest list` shows your channels and their URLs)'));
    if ('retired' in found) return done(new ApiHttpError(410, 'invalid_request_error', 'ingest_url_gone', `This ingest URL no longer works: its channel was ${found.retired === 'rotated' ? 'given a new URL (rotate-url)' : 'deleted'}; send to the current URL (\`propitbox ingest get <channel>\`)`));
    const channel = found.channel;
    const allowed = ingest.take(channel);
    if (!allowed.ok) {
      void reply.header('retry-after', String(allowed.retryAfter));
      return done(new ApiHttpError(429, 'rate_limit_error', 'rate_limited', `Too many requests to this ingest URL (more than ${channel.options.rate_limit_per_second} per second): retry after ${allowed.retryAfter} s`));
    }
    targets.set(req.raw, { channel, path: m[2] ?? '', query: m[3] ?? '' });
    // Every content type is stored as is; fastify must not validate or pick a parser by it.
    delete req.raw.headers['content-type'];
    done();
  };

  const receive = async (req: FastifyRequest, reply: FastifyReply) => {
    const t = targets.get(req.raw)!;
    const body = Buffer.isBuffer(req.body) ? req.body : await bodylessMethodBody(req.raw, limit);
    const row = await ingest.receive(t.channel, { method: req.method, path: t.path, query: t.query, headers: pairs(req.raw.rawHeaders), body, remote_addr: req.ip ?? null, received_ms: Date.now() });
    void reply.header('x-propitbox-request-id', row.id);
    const o = t.channel.options;
    if (o.wait_for_response) return answerWith(reply, row.id, await ingest.waitForAnswer(row.id, o.wait_timeout_ms), o.wait_timeout_ms);
    void reply.code(o.response.status);
    if (o.response.body === null) return reply.type('application/json; charset=utf-8').send(`{"id":"${row.id}"}`);
    return reply.type(o.response.content_type ?? 'text/plain; charset=utf-8').send(o.response.body);
  };

  const opts = { config: { public: true }, bodyLimit: limit, onRequest: resolve };
  app.all('/in/:token', opts, receive);
  app.all('/in/:token/*', opts, receive);
};

function tooLarge(limit: number): ApiHttpError {
  const mib = Math.round((limit / (1024 * 1024)) * 100) / 100;
  return new ApiHttpError(413, 'invalid_request_error', 'body_too_large', `Request body is larger than this relay accepts (${limit} bytes, ${mib} MiB); the relay's operator can raise --ingest-max-body`);
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

/** GET/HEAD/TRACE: fastify reads no body for these; a sender that sends one anyway gets it stored too. */
function bodylessMethodBody(raw: IncomingMessage, limit: number): Promise<Buffer> {
  const len = raw.headers['content-length'];
  if (raw.headers['transfer-encoding'] === undefined && (len === undefined || len === '0')) return Promise.resolve(Buffer.alloc(0));
  if (Number(len) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    raw.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        raw.removeAllListeners('data');
        raw.resume(); // drain the rest, so the sender reads the 413
        return reject(tooLarge(limit));
      }
      chunks.push(c);
    });
    raw.on('end', () => resolve(Buffer.concat(chunks)));
    raw.on('error', () => reject(new ApiHttpError(400, 'invalid_request_error', 'body_incomplete', 'The request body ended early')));
  });
}

/** The local app's answer passed on to the sender (wait_for_response), or why there is none. */
function answerWith(reply: FastifyReply, id: string, a: LocalAnswer | null, timeoutMs: number) {
  if (!a) {
    const e = new ApiHttpError(504, 'api_error', 'local_answer_timeout', `Stored as ${id}, but no local answer within ${timeoutMs} ms (is \`propitbox webhooks listen --ingest\` running?); it will be forwarded when a listener connects`);
    return reply.code(504).send(e.toBody());
  }
  if (a.status === null || a.status < 200 || a.status > 599) {
    const e = new ApiHttpError(502, 'api_error', 'local_app_unreachable', `Stored as ${id}; the listener could not get an answer from the local app: ${a.error ?? 'no status'}`);
    return reply.code(502).send(e.toBody());
  }
  const type = Object.entries(a.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  if (type) void reply.type(type);
  return reply.code(a.status).send(a.body);
}
