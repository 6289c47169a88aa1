import { describe, expect, it } from 'vitest';
import { classifyForwardError } from '../../src/relay/forward-errors.js';
import { Signer } from '../../src/signing/signer.js';
import { signedHeaders } from '../../src/signing/sign.js';

const err = (props: Record<string, unknown>) => Object.assign(new Error(String(props.message ?? 'x')), props);

describe('forward error classification', () => {
  it('holds and retries when the receiver is not there: refused, reset, timeouts, DNS', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND']) {
      expect(classifyForwardError(err({ code }), 30_000)).toMatchObject({ retryable: true, hint: null });
    }
    expect(classifyForwardError(err({ code: 'ECONNREFUSED' }), 1).error).toBe('connection refused');
    expect(classifyForwardError(err({ code: 'UND_ERR_HEADERS_TIMEOUT' }), 500).error).toBe('timeout after 500 ms');
  });
  it('is final with a hint for TLS: https:// to a plain http port says to use http://', () => {
    const f = classifyForwardError(err({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: '802C0BADF27F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n' }), 30_000);
    expect(f).toEqual({ error: 'TLS: wrong version number', retryable: false, hint: expect.stringMatching(/use http:\/\//) });
  });
  it('is final with a hint for certificate errors (self-signed, expired, wrong host)', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) {
      const f = classifyForwardError(err({ code, message: 'self-signed certificate' }), 30_000);
      expect(f.retryable).toBe(false);
      expect(f.error).toMatch(/^TLS certificate: /);
      expect(f.hint).toMatch(/NODE_EXTRA_CA_CERTS/);
    }
  });
  it('is final when the port does not speak HTTP', () => {
    const f = classifyForwardError(Object.assign(new Error('Response does not match the HTTP/1.1 protocol'), { name: 'HTTPParserError' }), 30_000);
    expect(f).toMatchObject({ retryable: false, error: /not an HTTP answer/ });
  });
  it('keeps unknown errors held (nothing lost)', () => {
    expect(classifyForwardError(err({ code: 'UND_ERR_DESTROYED', message: 'The client is destroyed' }), 1)).toEqual({ error: 'The client is destroyed', retryable: true, hint: null });
  });
});

describe('hot-path signer', () => {
  it('produces exactly the headers of signing/sign.ts signedHeaders, plus the extra headers, and follows a secret change', () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'vehicle.created', data: { name: 'Café ✓' } });
    const s = new Signer('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'ua/1', { 'x-env': 'test' });
    const now = 1_700_000_000_123;
    expect(s.headers('evt_1', 'vehicle.created', body, 2, now)).toEqual({
      ...signedHeaders({ eventId: 'evt_1', eventType: 'vehicle.created', body, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', now, attempt: 2, userAgent: 'ua/1' }),
      'x-env': 'test',
    });
    s.secret = 'not-base64 secret!';
    expect(s.headers('evt_1', 'vehicle.created', body, 1, now)).toEqual({
      ...signedHeaders({ eventId: 'evt_1', eventType: 'vehicle.created', body, secret: 'not-base64 secret!', now, attempt: 1, userAgent: 'ua/1' }),
      'x-env': 'test',
    });
  });
});

describe('receiver-down hint', () => {
  it('suggests https:// when a plain http:// receiver resets (an HTTPS port closes plain requests)', async () => {
    const { receiverDownHint } = await import('../../src/output/listen/renderer.js');
    expect(receiverDownHint('http://127.0.0.1:3000/hook', 'connection reset')).toMatch(/held and retried when it is back \(if it serves HTTPS, use https:\/\/\)$/);
    expect(receiverDownHint('http://127.0.0.1:3000/hook', 'connection refused')).toMatch(/retried when it is back$/);
  });
});
