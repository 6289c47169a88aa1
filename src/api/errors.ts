// Every failure talking to the API becomes an ApiError: one line that names the fix, exit 1.
// Its kind is 'failed', so src/cli/main.ts prints it without knowing about HTTP.
import { PropitboxError } from '../errors.js';
import { MAX_REQUEST_BODY_BYTES, type ApiErrorBody, type ApiErrorType } from '../contract/v1.js';
import { formatSize } from '../util/size.js';
import { suggest } from '../domain/event-types.js';

export class ApiError extends PropitboxError {
  constructor(
    message: string,
    /** HTTP status, or 0 when no answer came back (connection refused, timeout, DNS). */
    readonly status: number,
    readonly type: ApiErrorType | 'connection_error' | 'config_error',
    readonly code: string,
    readonly param?: string,
  ) {
    super(message, 'failed');
    this.name = 'ApiError';
  }
}

export function noApiKeyError(config?: { profileName: string; profileNames: string[] }): ApiError {
  if (config && config.profileNames.length && !config.profileNames.includes(config.profileName)) {
    const close = suggest(config.profileName, config.profileNames, 1).filter((c) => c[0].toLowerCase() === config.profileName[0]?.toLowerCase());
    const hint = close.length ? ` Did you mean '${close[0]}'?` : '';
    return new ApiError(
      `No profile '${config.profileName}'.${hint} Profiles: ${config.profileNames.join(', ')}; create it with \`propitbox login --profile ${config.profileName}\``,
      0,
      'config_error',
      'no_such_profile',
    );
  }
  return new ApiError('No API key: run `propitbox login` or start `propitbox dev`', 0, 'config_error', 'no_api_key');
}

/** Node/undici error codes that mean "nobody answered", found on the error or its cause chain. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

export function errorCode(err: unknown): string | undefined {
  // AbortSignal.timeout() rejects with a DOMException named TimeoutError.
  if ((err as { name?: string })?.name === 'TimeoutError') return 'ETIMEDOUT';
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && (UNREACHABLE.has(e.code) || TIMEOUT.has(e.code))) return e.code;
    // AggregateError (happy eyeballs) keeps the real errors in .errors
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.length) return errorCode(inner[0]);
  }
  return undefined;
}

/** A request that got no HTTP answer. */
export function transportError(err: unknown, apiUrl: string, timeoutMs: number): ApiError {
  const code = errorCode(err);
  if (code && TIMEOUT.has(code)) {
    return new ApiError(`API at ${apiUrl} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}: is \`propitbox dev\` running, or is the network slow?`, 0, 'connection_error', code);
  }
  return new ApiError(`API unreachable at ${apiUrl}: is \`propitbox dev\` running?`, 0, 'connection_error', code ?? 'unreachable');
}

/** A body over the API's limit is not sent: the API would answer 413 (or reset the connection mid-upload). */
export function bodyTooLargeError(bytes: number): ApiError {
  return new ApiError(`The request body is ${formatSize(bytes)} (${bytes} bytes): the API accepts at most 1 MiB (${MAX_REQUEST_BODY_BYTES} bytes), so it was not sent`, 413, 'invalid_request_error', 'body_too_large');
}

/** An HTTP answer that is not 2xx. `body` is the raw text (may not be our error shape, e.g. a proxy's page). */
export function httpError(status: number, body: string, apiUrl: string): ApiError {
  let parsed: ApiErrorBody['error'] | undefined;
  try {
    const v = JSON.parse(body) as Partial<ApiErrorBody>;
    if (v && typeof v.error === 'object' && v.error && typeof v.error.message === 'string') parsed = v.error;
  } catch {
    /* not JSON: fall through to a generic line */
  }
  if (status === 401) return new ApiError(`Invalid API key for ${apiUrl}: run \`propitbox login\``, 401, 'authentication_error', parsed?.code ?? 'invalid_api_key');
  if (status === 429) return new ApiError(`Rate limited by ${apiUrl}: wait a moment and try again`, 429, 'rate_limit_error', parsed?.code ?? 'rate_limited');
  if (parsed) {
    const message = parsed.message.replace(/\s+/g, ' ').trim();
    return new ApiError(message, status, parsed.type, parsed.code, parsed.param);
  }
  const what = status === 404 ? 'Not found' : status >= 500 ? 'Server error' : 'Request rejected';
  return new ApiError(`${what} (HTTP ${status}) from ${apiUrl}: is this the RCManager API? check --api-url`, status, status >= 500 ? 'api_error' : 'invalid_request_error', `http_${status}`);
}
