// Maps every failure (ours, fastify's, ajv's) to the API's one error shape. Client input never
// produces a 5xx or a stack trace; a real bug gives a 500 with a generic message and a log line.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiHttpError, badRequest } from './errors.js';
import { storageApiError, type StorageHealth } from './storage-health.js';
import { drainUpload } from './http-guards.js';

export const BODY_LIMIT = 1024 * 1024;

export function installErrorHandling(app: FastifyInstance, log: (line: string) => void, storage?: StorageHealth): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    // A write the disk refused (full, I/O error): 507/503 with a clear code, health degraded; no stack.
    const full = storage?.failed(err) ? storageApiError(err) : null;
    const e = full ?? toApiError(err);
    if (full) log(`${req.method} ${req.url.split('?')[0]}: ${err.message} (${full.code})`);
    else if (e.statusCode >= 500 && e.code === 'internal_error') log(`error on ${req.method} ${req.url}: ${err.stack ?? err.message}`);
    sendError(req, reply, e);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(routeNotFound(req.method, req.url).toBody());
  });
}

/** Send an API error; after a 413 the rest of the upload is drained so the client can read it. */
export function sendError(req: FastifyRequest, reply: FastifyReply, e: ApiHttpError): void {
  if (e.statusCode === 413) {
    // fastify asks to close the connection, but closing while the client still uploads resets the
    // socket before it reads this answer: keep the connection and drain (bounded) instead.
    reply.removeHeader('connection');
    drainUpload(req.raw);
  }
  void reply.code(e.statusCode).send(e.toBody());
}

export function routeNotFound(method: string, url: string): ApiHttpError {
  const path = url.split('?')[0];
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  return new ApiHttpError(404, 'invalid_request_error', 'route_not_found', `Unrecognized request URL (${method}: ${shown}); see the routes in the README`);
}

export function toApiError(err: FastifyError): ApiHttpError {
  if (err instanceof ApiHttpError) return err;
  if (err.validation?.length) return validationError(err);
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiHttpError(413, 'invalid_request_error', 'body_too_large', `Request body is larger than ${BODY_LIMIT} bytes (1 MiB)`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiHttpError(415, 'invalid_request_error', 'unsupported_media_type', 'Send the request body as JSON with `Content-Type: application/json`');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('Request body is empty but Content-Type is application/json: send a JSON object', undefined, 'invalid_json');
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new ApiHttpError(status, 'invalid_request_error', 'invalid_request', err.message);
  return new ApiHttpError(500, 'api_error', 'internal_error', 'Internal error in the emulator; run it with PROPITBOX_DEBUG=1 and report the log line');
}

/** ajv's first error as one line naming the parameter: "Invalid 'events': must NOT have fewer than 1 items". */
function validationError(err: FastifyError): ApiHttpError {
  const v = err.validation![0];
  const where = (err as FastifyError & { validationContext?: string }).validationContext;
  const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = v.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  if (v.keyword === 'required' && params.missingProperty) {
    const p = path ? `${path}.${params.missingProperty}` : params.missingProperty;
    return badRequest(`Missing required parameter '${p}'`, p, 'parameter_missing');
  }
  if (v.keyword === 'additionalProperties' && params.additionalProperty) {
    return badRequest(`Unknown parameter '${params.additionalProperty}'`, params.additionalProperty, 'parameter_unknown');
  }
  if (!path) return badRequest(`Invalid ${where === 'querystring' ? 'query string' : 'request body'}: ${where ?? 'body'} ${v.message}`);
  const allowed = v.keyword === 'enum' && params.allowedValues ? ` (one of: ${params.allowedValues.join(', ')})` : '';
  return badRequest(`Invalid '${path}': ${v.message}${allowed}`, path);
}
