import { describe, expect, it } from 'vitest';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { proPitboxSignature, standardSignature, generateSecret } from '../../src/signing/sign.js';
import { Signer } from '../../src/signing/signer.js';

// The seed's own verifier, verbatim in behaviour.
function verifyWebhookSignature(payload: string, signature: string, secret: string): boolean {
  const expectedSignature = createHmac('sha256', secret).update(payload).digest('hex');
  return signature.length === expectedSignature.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expectedSignature));
}

describe('signing', () => {
  it('matches the Standard Webhooks test vector', () => {
    expect(standardSignature('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('produces an X-ProPitbox-Signature the seed handler accepts after JSON.stringify(req.body)', () => {
    const secret = generateSecret();
    const body = JSON.stringify({ id: 'evt_1', type: 'vehicle.created', created: '2024-12-25T10:30:00Z', data: { vehicle: { name: 'Traxxas' } } });
    const h = new Signer(secret).headers('evt_1', 'vehicle.created', body, 1, 1_700_000_000_000);
    expect(verifyWebhookSignature(JSON.stringify(JSON.parse(body)), h['x-propitbox-signature'], secret)).toBe(true);
    expect(h['x-propitbox-signature']).toBe(proPitboxSignature(body, secret));
    expect(h['webhook-timestamp']).toBe('1700000000');
    expect(h['webhook-signature']).toBe(standardSignature('evt_1', 1700000000, body, secret));
  });

  it('rejects a changed body and a wrong secret', () => {
    const sig = proPitboxSignature('{"a":1}', 'whsec_x');
    expect(verifyWebhookSignature('{"a":2}', sig, 'whsec_x')).toBe(false);
    expect(verifyWebhookSignature('{"a":1}', sig, 'whsec_y')).toBe(false);
  });

  it('the signer sends every header of the docs, computed by the independent primitives, plus extras, and follows a secret change', () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'vehicle.created', data: { name: 'Café ✓' } });
    const now = 1_700_000_000_123;
    const expected = (secret: string, attempt: number) => ({
      'content-type': 'application/json',
      'user-agent': 'ua/1',
      'x-propitbox-signature': proPitboxSignature(body, secret),
      'x-propitbox-event-id': 'evt_1',
      'x-propitbox-event-type': 'vehicle.created',
      'x-propitbox-attempt': String(attempt),
      'webhook-id': 'evt_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': standardSignature('evt_1', 1700000000, body, secret),
      'x-env': 'test',
    });
    const s = new Signer('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'ua/1', { 'x-env': 'test' });
    expect(s.headers('evt_1', 'vehicle.created', body, 2, now)).toEqual(expected('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 2));
    s.secret = 'not-base64 secret!';
    expect(s.headers('evt_1', 'vehicle.created', body, 1, now)).toEqual(expected('not-base64 secret!', 1));
  });
});
