// The one signer: every signed request (the delivery engine, the listen forwarder, `trigger --forward-to`,
// `events replay`) gets its headers here. The signatures are those of sign.ts's primitives (a test holds
// them equal), with the two HMAC keys prepared once per secret instead of once per event. One createHmac
// per scheme, no intermediate Buffers.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { standardKey } from './sign.js';

export class Signer {
  private proPitboxKey!: KeyObject;
  private standardKey!: KeyObject;
  private current = '';

  constructor(
    secret: string,
    private readonly userAgent = 'ProPitbox-Webhooks/1.0',
    private readonly extra: Record<string, string> = {},
  ) {
    this.secret = secret;
  }

  get secret(): string {
    return this.current;
  }

  set secret(secret: string) {
    this.current = secret;
    // X-ProPitbox-Signature is keyed with the secret string's UTF-8 bytes, as createHmac(…, string) does.
    this.proPitboxKey = createSecretKey(Buffer.from(secret, 'utf8'));
    this.standardKey = createSecretKey(standardKey(secret));
  }

  /** All headers for one POST of `body` (the exact bytes that will be sent). */
  headers(id: string, type: string, body: string, attempt: number, nowMs: number): Record<string, string> {
    const ts = Math.floor(nowMs / 1000);
    const h: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.userAgent,
      'x-propitbox-signature': createHmac('sha256', this.proPitboxKey).update(body).digest('hex'),
      'x-propitbox-event-id': id,
      'x-propitbox-event-type': type,
      'x-propitbox-attempt': String(attempt),
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': 'v1,' + createHmac('sha256', this.standardKey).update(`${id}.${ts}.`).update(body).digest('base64'),
    };
    for (const k in this.extra) h[k] = this.extra[k];
    return h;
  }
}
