// What a failed POST to a local receiver means. Pure, so it is tested without sockets.
// Connection refused / reset / timeouts / DNS: the receiver is not there yet (restarting, still
// booting), so the event is held and re-tried. TLS, certificate and HTTP protocol errors will not fix
// themselves by waiting (https:// to a plain http port, a self-signed cert, a port that is not HTTP):
// they are a final outcome, acknowledged with the error and shown with a hint, never retried.

export interface ForwardFailure {
  /** Short and human ("connection refused", "TLS: wrong version number"), for the line and the ack. */
  error: string;
  /** Hold the event and try again (the receiver did not answer). */
  retryable: boolean;
  /** One line saying what to change, for errors that waiting will not fix. */
  hint: string | null;
}

interface ErrLike {
  code?: string;
  name?: string;
  message?: string;
  cause?: { code?: string; message?: string };
}

const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME/;
const TLS_CODES = /^ERR_SSL_|^ERR_TLS_|^EPROTO$/;

function firstLine(e: ErrLike | undefined, fallback: unknown): string {
  return (e?.message ?? String(fallback)).split('\n')[0];
}

/** The SSL library's reason, e.g. "wrong version number", without the routine and file noise. */
function sslReason(message: string): string {
  const m = /:([^:]+):[^:]*\.c:\d+/.exec(message) ?? /routines:[^:]*:([^:]+)/.exec(message);
  return (m?.[1] ?? message).trim();
}

export function classifyForwardError(err: unknown, timeoutMs: number): ForwardFailure {
  const e = err as ErrLike | undefined;
  const code = e?.code ?? e?.cause?.code ?? '';
  const retry = (error: string): ForwardFailure => ({ error, retryable: true, hint: null });
  switch (code) {
    case 'ECONNREFUSED':
      return retry('connection refused');
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return retry('connection reset');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return retry('host not found');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return retry('host unreachable');
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return retry(`timeout after ${timeoutMs} ms`);
  }
  if (CERT_CODES.test(code)) {
    return {
      error: `TLS certificate: ${firstLine(e, err)}`,
      retryable: false,
      hint: 'the receiver\'s certificate is not trusted: use http:// for a local app, or trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem>',
    };
  }
  if (TLS_CODES.test(code) || /SSL routines/.test(e?.message ?? '')) {
    const reason = sslReason(firstLine(e, err));
    const plain = /wrong version number|packet length too long|http request/i.test(reason);
    return {
      error: `TLS: ${reason}`,
      retryable: false,
      hint: plain ? 'the receiver speaks plain HTTP, not HTTPS: use http:// in --forward-to / --route' : 'the TLS handshake with the receiver failed: check the URL scheme and port, or use http:// for a local app',
    };
  }
  if (e?.name === 'HTTPParserError' || code.startsWith('HPE_')) {
    return { error: `not an HTTP answer: ${firstLine(e, err)}`, retryable: false, hint: 'the receiver\'s port did not answer HTTP/1.1: check the port in --forward-to / --route' };
  }
  // Unknown errors keep the old, safe behaviour (held, nothing lost); aborts during a second Ctrl-C land here too.
  return retry(firstLine(e, err));
}
