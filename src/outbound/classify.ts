// What a failed outbound request means, for every sender. Pure, so it is tested without sockets.
// Refused / reset / timeout / DNS: the receiver is not there yet (restarting, still booting), so waiting
// may help and a sender may hold the request and try again. TLS, certificate and protocol errors will not
// fix themselves (https:// to a plain http port, a self-signed certificate, a port that is not HTTP):
// they are final and carry a hint. Redirects are never followed; a sender that counts a 3xx as a failure
// (the delivery engine) asks redirectFailure for its line.

export type FailureKind =
  | 'refused'
  | 'reset'
  | 'dns'
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'certificate'
  | 'not-http'
  | 'redirect'
  | 'bad-url'
  | 'other';

export interface OutboundError {
  kind: FailureKind;
  /** Short and human, for a line and an ack: "connection refused", "timeout after 1000 ms", "TLS: wrong version number". */
  line: string;
  /** The system's own most specific line, for logs: "connect ECONNREFUSED 127.0.0.1:3000", "timeout after 1000 ms". */
  detail: string;
  /** The error code when there is one ("ECONNREFUSED", "ERR_SSL_WRONG_VERSION_NUMBER"); "ETIMEDOUT" for the deadline. */
  code: string | null;
  /** The receiver did not answer and may later: worth holding and retrying. */
  retryable: boolean;
  /** For failures that waiting will not fix: what to change. */
  hint: string | null;
}

interface ErrLike {
  code?: string;
  name?: string;
  message?: string;
  cause?: ErrLike;
  errors?: ErrLike[];
}

const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME/;
const TLS_CODES = /^ERR_SSL_|^ERR_TLS_|^EPROTO$/;
const CERT_HINT = "the receiver's certificate is not trusted: use http:// for a local app, or trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem>";
const PLAIN_HINT = 'the receiver speaks plain HTTP, not HTTPS: use http:// in --forward-to / --route';
const TLS_HINT = 'the TLS handshake with the receiver failed: check the URL scheme and port, or use http:// for a local app';
const NOT_HTTP_HINT = "the receiver's port did not answer HTTP/1.1: check the port in --forward-to / --route";

const SIMPLE: Record<string, [FailureKind, string]> = {
  ECONNREFUSED: ['refused', 'connection refused'],
  ECONNRESET: ['reset', 'connection reset'],
  EPIPE: ['reset', 'connection reset'],
  ECONNABORTED: ['reset', 'connection reset'],
  UND_ERR_SOCKET: ['reset', 'connection reset'],
  ENOTFOUND: ['dns', 'host not found'],
  EAI_AGAIN: ['dns', 'host not found'],
  EHOSTUNREACH: ['unreachable', 'host unreachable'],
  ENETUNREACH: ['unreachable', 'host unreachable'],
};
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The deadline passed before a complete answer. */
export function deadlineError(deadlineMs: number): OutboundError {
  const line = `timeout after ${deadlineMs} ms`;
  return { kind: 'timeout', line, detail: line, code: 'ETIMEDOUT', retryable: true, hint: null };
}

/** A 3xx, for senders that count it as a failed attempt (redirects are never followed). */
export function redirectFailure(status: number | null): OutboundError | null {
  if (status === null || status < 300 || status >= 400) return null;
  const line = `redirect not followed (${status})`;
  return { kind: 'redirect', line, detail: line, code: null, retryable: false, hint: null };
}

/** Nothing was sent because there is nowhere to send it (no matching route, no URL). */
export function noTarget(line: string): OutboundError {
  return { kind: 'bad-url', line, detail: line, code: null, retryable: false, hint: null };
}

/** Happy eyeballs reports an AggregateError (one per address tried); fetch wraps the real error in `cause`. */
function root(err: unknown): ErrLike {
  let e = (err ?? {}) as ErrLike;
  if (!e.code && e.errors?.length) e = e.errors.find((x) => x?.code) ?? e.errors[0];
  if (e.cause && (!e.code || e.message === 'fetch failed')) e = e.cause;
  return e;
}

function firstLine(e: ErrLike, fallback: unknown): string {
  return (e.message || String(fallback)).split('\n')[0];
}

/** The SSL library's reason, e.g. "wrong version number", without the routine and file noise. */
function sslReason(message: string): string {
  const m = /:([^:]+):[^:]*\.c:\d+/.exec(message) ?? /routines:[^:]*:([^:]+)/.exec(message);
  return (m?.[1] ?? message).trim();
}

export function classifyError(err: unknown, deadlineMs: number): OutboundError {
  const outer = (err ?? {}) as ErrLike;
  const e = root(err);
  const code = e.code ?? outer.code ?? '';
  const detail = firstLine(e, err);
  const of = (kind: FailureKind, line: string, retryable: boolean, hint: string | null = null): OutboundError => ({ kind, line, detail, code: code || null, retryable, hint });
  if (TIMEOUT_CODES.has(code)) return { ...deadlineError(deadlineMs), code };
  const simple = SIMPLE[code];
  if (simple) return of(simple[0], simple[1], true);
  if (code === 'ERR_INVALID_URL') return of('bad-url', detail, false);
  if (CERT_CODES.test(code)) return of('certificate', `TLS certificate: ${detail}`, false, CERT_HINT);
  if (TLS_CODES.test(code) || /SSL routines/.test(e.message ?? '')) {
    const reason = sslReason(detail);
    const plain = /wrong version number|packet length too long|http request/i.test(reason);
    return of('tls', `TLS: ${reason}`, false, plain ? PLAIN_HINT : TLS_HINT);
  }
  if (e.name === 'HTTPParserError' || code.startsWith('HPE_')) return of('not-http', `not an HTTP answer: ${detail}`, false, NOT_HTTP_HINT);
  // Unknown errors keep the safe behaviour (held, nothing lost); aborts during a second Ctrl-C land here too.
  return of('other', detail, true);
}
