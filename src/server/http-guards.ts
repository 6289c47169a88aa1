// The HTTP layer below the routes, where fastify's defaults answer outside the API's error shape or cut
// a client off: malformed requests and oversized headers (node's clientError), `Expect: 100-continue`,
// and a body over the limit (the 413 must be readable by a client that is still uploading).
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ApiHttpError } from './errors.js';

/** After a 413, read and discard up to this much of the upload so the client sees the answer, not a reset. */
export const DRAIN_LIMIT = 8 * 1024 * 1024;

/** A raw HTTP/1.1 response carrying the API's error body; the connection closes after it. */
export function rawErrorResponse(e: ApiHttpError): string {
  const body = JSON.stringify(e.toBody());
  return `HTTP/1.1 ${e.statusCode} ${STATUS_CODES[e.statusCode] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** fastify's `clientErrorHandler`: what node's HTTP parser rejects, answered in the API's shape. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset peer has nothing to read an answer with.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) socket.end(rawErrorResponse(protocolError(err)));
  // end() flushes the answer, then the socket goes; whatever else the client sends is not read.
  socket.destroySoon();
}

export function protocolError(err: NodeJS.ErrnoException): ApiHttpError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiHttpError(431, 'invalid_request_error', 'headers_too_large', 'Request headers are too large (over 16 KB in all): send fewer or shorter headers');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiHttpError(408, 'invalid_request_error', 'request_timeout', 'The request did not arrive in time: send it again');
    default:
      return new ApiHttpError(400, 'invalid_request_error', 'malformed_request', `Malformed HTTP request${err.code?.startsWith('HPE_') ? ` (${err.code.slice(4).toLowerCase().replace(/_/g, ' ')})` : ''}: check the request line, headers and body framing`);
  }
}

/**
 * `Expect: 100-continue` is answered only once the request has passed routing and auth and its
 * announced size fits the route's limit: a client told 413 (or 401) first never uploads the body.
 * Node sends 100 Continue at once unless someone listens to 'checkContinue'.
 */
export function installExpectContinue(app: FastifyInstance): void {
  const server = app.server;
  server.on('checkContinue', (req, res) => server.emit('request', req, res));
  app.addHook('preParsing', (req, reply, payload, done) => {
    const raw = reply.raw as typeof reply.raw & { _expect_continue?: boolean };
    if (raw._expect_continue && !raw.headersSent) {
      const length = Number(req.headers['content-length']);
      if (!(length > req.routeOptions.bodyLimit)) raw.writeContinue();
    }
    done(null, payload);
  });
}

/**
 * Keep reading an upload the server has already refused (413), discarding it, up to DRAIN_LIMIT; past
 * that the connection is dropped. Closing with unread bytes in the kernel makes TCP send a reset, which
 * can destroy the answer before the client reads it.
 */
export function drainUpload(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_LIMIT) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}
