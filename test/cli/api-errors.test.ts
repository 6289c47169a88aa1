// Error mapping, unit level: every API failure becomes one line that names the fix.
import { describe, expect, it } from 'vitest';
import { httpError, transportError, noApiKeyError } from '../../src/api/errors.js';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';

const URL = 'http://127.0.0.1:4480';

describe('ApiError mapping', () => {
  it('401 says which URL rejected the key and to log in', () => {
    const e = httpError(401, JSON.stringify({ error: { type: 'authentication_error', code: 'invalid_api_key', message: 'Invalid API key' } }), URL);
    expect(e.message).toBe(`Invalid API key for ${URL}: run \`propitbox login\``);
    expect(exitCodeFor(e.kind)).toBe(EXIT.FAILED);
  });

  it('4xx with the API error shape shows the API message on one line', () => {
    for (const status of [400, 404, 409, 413, 422]) {
      const e = httpError(status, JSON.stringify({ error: { type: 'invalid_request_error', code: 'x', message: 'Bad\n thing', param: 'url' } }), URL);
      expect(e.message).toBe('Bad thing');
      expect(e.status).toBe(status);
      expect(e.param).toBe('url');
    }
  });

  it('a non-JSON answer (a proxy page, wrong URL) says to check --api-url', () => {
    expect(httpError(404, '<html>nope</html>', URL).message).toMatch(/Not found \(HTTP 404\) from .*check --api-url/);
    expect(httpError(502, 'bad gateway', URL).message).toMatch(/Server error \(HTTP 502\)/);
  });

  it('connection refused (also nested in a cause / AggregateError) is "API unreachable"', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(transportError(refused, URL, 30_000).message).toBe(`API unreachable at ${URL}: is \`propitbox dev\` running?`);
    const nested = new Error('fetch failed', { cause: new AggregateError([refused]) });
    expect(transportError(nested, URL, 30_000).code).toBe('ECONNREFUSED');
  });

  it('timeouts name the limit', () => {
    const t = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(transportError(t, URL, 30_000).message).toMatch(/did not answer within 30 s/);
  });

  it('no key names both ways to get one', () => {
    expect(noApiKeyError().message).toBe('No API key: run `propitbox login` or start `propitbox dev`');
  });

  it('a profile that does not exist is named (with did-you-mean), not "No API key"', () => {
    expect(noApiKeyError({ profileName: 'ofline', profileNames: ['default', 'offline'] }).message).toBe(
      "No profile 'ofline'. Did you mean 'offline'? Profiles: default, offline; create it with `propitbox login --profile ofline`",
    );
    expect(noApiKeyError({ profileName: 'zzz', profileNames: ['ci'] }).message).not.toMatch(/Did you mean/);
    // an existing profile without a key, or no profiles at all: the usual line
    expect(noApiKeyError({ profileName: 'ci', profileNames: ['ci'] }).message).toMatch(/^No API key/);
    expect(noApiKeyError({ profileName: 'default', profileNames: [] }).message).toMatch(/^No API key/);
  });
});
