// Webhook signature primitives, pure (the headers of a request come from signer.ts). Two schemes:
//  - X-ProPitbox-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the whole secret string
//    (what the seed's verifyWebhookSignature computes);
//  - Standard Webhooks: webhook-signature "v1,<base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`>",
//    keyed with the base64-decoded part of the whsec_ secret.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

export function proPitboxSignature(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Key bytes for Standard Webhooks: base64 after the `whsec_` prefix (the whole string as UTF-8 if it is not base64). */
export function standardKey(secret: string): Buffer {
  const raw = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(raw) && raw.length % 4 === 0) return Buffer.from(raw, 'base64');
  return Buffer.from(secret, 'utf8');
}

export function standardSignature(id: string, timestampSec: number, body: string | Buffer, secret: string): string {
  const mac = createHmac('sha256', standardKey(secret));
  mac.update(`${id}.${timestampSec}.`);
  mac.update(body);
  return 'v1,' + mac.digest('base64');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
