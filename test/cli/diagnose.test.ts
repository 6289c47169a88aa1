// `propitbox verify`'s doctor: each failure names its cause and the expected value.
import { describe, expect, it } from 'vitest';
import { diagnose, parseHeadersDump } from '../../src/signing/diagnose.js';
import { proPitboxSignature, standardSignature } from '../../src/signing/sign.js';
import { Signer } from '../../src/signing/signer.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = JSON.stringify({ id: 'evt_1', type: 'vehicle.created', created: '2024-12-25T10:30:00Z', data: { vehicle: { name: 'X' } } });
const NOW = 1_735_122_600_000;
const base = { secret: SECRET, toleranceMs: 300_000, now: NOW };

describe('hex X-ProPitbox-Signature', () => {
  const sig = proPitboxSignature(BODY, SECRET);
  it('valid', () => expect(diagnose({ ...base, signature: sig, payload: Buffer.from(BODY) })).toMatchObject({ ok: true, verdict: 'valid', expected: sig }));
  it('pretty-printed body -> body changed (re-serialized JSON)', () => {
    const d = diagnose({ ...base, signature: sig, payload: Buffer.from(JSON.stringify(JSON.parse(BODY), null, 2)) });
    expect(d).toMatchObject({ ok: false, verdict: 'body_changed' });
    expect(d.reason).toMatch(/re-serialized compactly/);
  });
  it('trailing newline -> body changed (whitespace)', () => {
    expect(diagnose({ ...base, signature: sig, payload: Buffer.from(BODY + '\n') }).reason).toMatch(/trailing whitespace/);
  });
  it('wrong secret -> mismatch with the expected value', () => {
    const d = diagnose({ ...base, secret: 'whsec_other', signature: sig, payload: Buffer.from(BODY) });
    expect(d.verdict).toBe('mismatch');
    expect(d.reason).toMatch(/wrong secret/);
    expect(d.expected).toBe(proPitboxSignature(BODY, 'whsec_other'));
  });
});

describe('Standard Webhooks v1', () => {
  const ts = NOW / 1000;
  const sig = standardSignature('evt_1', ts, BODY, SECRET);
  it('valid within tolerance, and several signatures are accepted', () => {
    expect(diagnose({ ...base, signature: `v1,bogus ${sig}`, payload: Buffer.from(BODY), id: 'evt_1', timestamp: ts }).ok).toBe(true);
  });
  it('stale timestamp even though the signature is right', () => {
    const old = ts - 3600;
    const d = diagnose({ ...base, signature: standardSignature('evt_1', old, BODY, SECRET), payload: Buffer.from(BODY), id: 'evt_1', timestamp: old });
    expect(d).toMatchObject({ ok: false, verdict: 'stale_timestamp', age_seconds: 3600 });
    expect(d.reason).toMatch(/3600 s old.*signature itself is correct/);
  });
  it('needs id and timestamp', () => {
    expect(() => diagnose({ ...base, signature: sig, payload: Buffer.from(BODY) })).toThrow(/--id .*--timestamp/);
  });
  it('rejects garbage', () => expect(() => diagnose({ ...base, signature: 'nope', payload: Buffer.from(BODY) })).toThrow(/Unrecognised signature/));
});

describe('headers dump', () => {
  it('reads headers and the body after the blank line', () => {
    const h = new Signer(SECRET).headers('evt_1', 'vehicle.created', BODY, 1, NOW);
    const dump = `POST /webhooks HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${BODY}`;
    const parsed = parseHeadersDump(dump);
    expect(parsed.body).toBe(BODY);
    expect(parsed.headers['webhook-signature']).toBe(h['webhook-signature']);
    expect(parsed.headers['x-propitbox-signature']).toBe(h['x-propitbox-signature']);
  });
});
