// The one failure classifier every sender uses: error kind, short line, the system's own line, retry, hint.
import { describe, expect, it } from 'vitest';
import { classifyError, deadlineError, redirectFailure } from '../../src/outbound/classify.js';

const err = (props: Record<string, unknown>) => Object.assign(new Error(String(props.message ?? 'x')), props);

describe('outbound failure classifier', () => {
  it('refused, reset, DNS and unreachable are retryable, with a short line and the system line kept', () => {
    const cases: Array<[string, string, string]> = [
      ['ECONNREFUSED', 'refused', 'connection refused'],
      ['ECONNRESET', 'reset', 'connection reset'],
      ['EPIPE', 'reset', 'connection reset'],
      ['UND_ERR_SOCKET', 'reset', 'connection reset'],
      ['ENOTFOUND', 'dns', 'host not found'],
      ['EAI_AGAIN', 'dns', 'host not found'],
      ['EHOSTUNREACH', 'unreachable', 'host unreachable'],
    ];
    for (const [code, kind, line] of cases) {
      expect(classifyError(err({ code, message: `boom ${code}` }), 30_000)).toEqual({ kind, line, detail: `boom ${code}`, code, retryable: true, hint: null });
    }
    expect(classifyError(err({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3000' }), 1).detail).toBe('connect ECONNREFUSED 127.0.0.1:3000');
  });

  it('every timeout (ours, undici\'s, the socket\'s) reads "timeout after N ms"', () => {
    for (const code of ['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']) {
      expect(classifyError(err({ code }), 500)).toMatchObject({ kind: 'timeout', line: 'timeout after 500 ms', detail: 'timeout after 500 ms', retryable: true, code });
    }
    expect(deadlineError(1000)).toEqual({ kind: 'timeout', line: 'timeout after 1000 ms', detail: 'timeout after 1000 ms', code: 'ETIMEDOUT', retryable: true, hint: null });
  });

  it('looks inside happy-eyeballs AggregateErrors and fetch\'s "fetch failed" cause', () => {
    const agg = Object.assign(new AggregateError([err({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED ::1:9' }), err({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' })], ''), {});
    expect(classifyError(agg, 1)).toMatchObject({ kind: 'refused', detail: 'connect ECONNREFUSED ::1:9' });
    const fetchFailed = new TypeError('fetch failed', { cause: err({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND nope.invalid' }) });
    expect(classifyError(fetchFailed, 1)).toMatchObject({ kind: 'dns', detail: 'getaddrinfo ENOTFOUND nope.invalid' });
  });

  it('https:// to a plain http port is final: TLS with the "use http://" hint, the SSL noise trimmed', () => {
    const f = classifyError(err({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: '802C0BADF27F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n' }), 30_000);
    expect(f).toMatchObject({ kind: 'tls', line: 'TLS: wrong version number', retryable: false, hint: expect.stringMatching(/use http:\/\//) });
    expect(classifyError(err({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', message: 'handshake failure' }), 1)).toMatchObject({ kind: 'tls', hint: expect.stringMatching(/TLS handshake/) });
  });

  it('certificate errors (self-signed, expired, wrong host) are final with the NODE_EXTRA_CA_CERTS hint', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) {
      const f = classifyError(err({ code, message: 'self-signed certificate' }), 30_000);
      expect(f).toMatchObject({ kind: 'certificate', line: 'TLS certificate: self-signed certificate', retryable: false, hint: expect.stringMatching(/NODE_EXTRA_CA_CERTS/) });
    }
  });

  it('a port that does not speak HTTP is final (undici\'s HTTPParserError and node\'s HPE_ codes)', () => {
    expect(classifyError(Object.assign(new Error('Response does not match the HTTP/1.1 protocol'), { name: 'HTTPParserError' }), 1)).toMatchObject({ kind: 'not-http', retryable: false, line: /not an HTTP answer/ });
    expect(classifyError(err({ code: 'HPE_INVALID_CONSTANT', message: 'Parse Error: Expected HTTP/' }), 1)).toMatchObject({ kind: 'not-http', retryable: false });
  });

  it('a bad URL is final', () => {
    expect(classifyError(err({ code: 'ERR_INVALID_URL', message: "invalid URL 'x': not a URL" }), 1)).toMatchObject({ kind: 'bad-url', retryable: false, line: "invalid URL 'x': not a URL" });
  });

  it('unknown errors stay retryable (held, nothing lost) with their own first line', () => {
    expect(classifyError(err({ code: 'UND_ERR_DESTROYED', message: 'The client is destroyed\nmore' }), 1)).toEqual({ kind: 'other', line: 'The client is destroyed', detail: 'The client is destroyed', code: 'UND_ERR_DESTROYED', retryable: true, hint: null });
    expect(classifyError('plain string', 1)).toMatchObject({ kind: 'other', line: 'plain string', code: null });
  });

  it('a 3xx is a failure only for senders that ask: "redirect not followed (302)"', () => {
    expect(redirectFailure(302)).toMatchObject({ kind: 'redirect', line: 'redirect not followed (302)', detail: 'redirect not followed (302)', retryable: false });
    expect(redirectFailure(200)).toBeNull();
    expect(redirectFailure(404)).toBeNull();
    expect(redirectFailure(null)).toBeNull();
  });
});
