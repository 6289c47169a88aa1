// `propitbox verify`: not just "invalid", but why. Pure (`now` passed in). Tries the common ways a
// body gets changed between the wire and the verifier (JSON re-serialized, pretty-printed, a trailing
// newline, CRLF) and the common key mix-ups, and reports the expected value.
import { createHmac } from 'node:crypto';
import { proPitboxSignature, safeEqual, standardKey, standardSignature } from './sign.js';

export type Verdict = 'valid' | 'stale_timestamp' | 'body_changed' | 'wrong_key_form' | 'mismatch';

export interface DiagnoseInput {
  secret: string;
  signature: string; // hex (X-ProPitbox-Signature) or "v1,<base64>" (one or more, space separated)
  payload: Buffer;
  id?: string;
  timestamp?: number; // seconds
  toleranceMs: number;
  now: number; // ms
}

export interface Diagnosis {
  scheme: 'x-propitbox-signature' | 'standard-webhooks';
  verdict: Verdict;
  ok: boolean;
  reason: string;
  expected: string;
  received: string;
  age_seconds?: number;
}

export class DiagnoseInputError extends Error {}

/** Ways a body commonly differs from what was signed, each with a label for the message. */
function variants(payload: Buffer): { label: string; body: Buffer }[] {
  const text = payload.toString('utf8');
  const out: { label: string; body: Buffer }[] = [];
  const add = (label: string, s: string) => {
    const b = Buffer.from(s, 'utf8');
    if (!b.equals(payload) && !out.some((v) => v.body.equals(b))) out.push({ label, body: b });
  };
  // Smallest changes first, so the message names the least surprising cause.
  add('removing trailing whitespace/newline: an editor or `echo` added it', text.replace(/\s+$/, ''));
  add('adding a trailing newline', text + '\n');
  add('converting CRLF to LF line endings', text.replace(/\r\n/g, '\n'));
  try {
    const parsed = JSON.parse(text);
    add('the JSON re-serialized compactly (JSON.stringify): the payload you have was re-formatted after signing', JSON.stringify(parsed));
    add('the JSON pretty-printed with 2 spaces: the signer signed re-formatted JSON', JSON.stringify(parsed, null, 2));
  } catch {
    /* not JSON: whitespace checks only */
  }
  return out;
}

function hexWithKey(body: Buffer, key: Buffer | string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

export function diagnose(i: DiagnoseInput): Diagnosis {
  const sig = i.signature.trim();
  if (/^[0-9a-f]{64}$/i.test(sig)) return diagnoseHex(i, sig.toLowerCase());
  const v1 = sig.split(/\s+/).filter((s) => s.startsWith('v1,'));
  if (v1.length) return diagnoseStandard(i, v1);
  throw new DiagnoseInputError(
    `Unrecognised signature '${sig.slice(0, 20)}${sig.length > 20 ? '…' : ''}': expected 64 hex chars (X-ProPitbox-Signature) or v1,<base64> (webhook-signature)`,
  );
}

function diagnoseHex(i: DiagnoseInput, sig: string): Diagnosis {
  const expected = proPitboxSignature(i.payload, i.secret);
  const base = { scheme: 'x-propitbox-signature' as const, expected, received: sig };
  if (safeEqual(expected, sig)) return { ...base, verdict: 'valid', ok: true, reason: 'signature matches the body and secret' };
  for (const v of variants(i.payload)) {
    if (safeEqual(proPitboxSignature(v.body, i.secret), sig)) {
      return { ...base, verdict: 'body_changed', ok: false, reason: `body changed: the signature matches after ${v.label}. Verify the exact raw bytes you received` };
    }
  }
  if (safeEqual(hexWithKey(i.payload, standardKey(i.secret)), sig)) {
    return { ...base, verdict: 'wrong_key_form', ok: false, reason: 'wrong key form: it was signed with the base64-decoded secret; X-ProPitbox-Signature uses the whole secret string (whsec_… included) as the HMAC key' };
  }
  return { ...base, verdict: 'mismatch', ok: false, reason: 'wrong secret, or a different body (not just whitespace or re-serialized JSON): check the secret of this endpoint/session and that you kept the raw request body' };
}

function diagnoseStandard(i: DiagnoseInput, sigs: string[]): Diagnosis {
  if (!i.id || i.timestamp === undefined) {
    throw new DiagnoseInputError('A v1,… signature signs "id.timestamp.body": pass --id (webhook-id) and --timestamp (webhook-timestamp), or --headers-file');
  }
  const { id, timestamp } = i;
  const expected = standardSignature(id, timestamp, i.payload, i.secret);
  const age = Math.round(i.now / 1000 - timestamp);
  const base = { scheme: 'standard-webhooks' as const, expected, received: sigs.join(' '), age_seconds: age };
  const matches = (s: string) => sigs.some((x) => safeEqual(x, s));
  const stale = Math.abs(age) * 1000 > i.toleranceMs;
  const staleReason = `stale timestamp: ${Math.abs(age)} s ${age >= 0 ? 'old' : 'in the future'}, tolerance ${Math.round(i.toleranceMs / 1000)} s (replayed request, or a clock out of sync)`;
  if (matches(expected)) {
    return stale ? { ...base, verdict: 'stale_timestamp', ok: false, reason: `${staleReason}; the signature itself is correct` } : { ...base, verdict: 'valid', ok: true, reason: 'signature matches the id, timestamp, body and secret' };
  }
  for (const v of variants(i.payload)) {
    if (matches(standardSignature(id, timestamp, v.body, i.secret))) {
      return { ...base, verdict: 'body_changed', ok: false, reason: `body changed: the signature matches after ${v.label}. Verify the exact raw bytes you received` };
    }
  }
  const rawKey = 'v1,' + createHmac('sha256', i.secret).update(`${id}.${timestamp}.`).update(i.payload).digest('base64');
  if (matches(rawKey)) {
    return { ...base, verdict: 'wrong_key_form', ok: false, reason: 'wrong key form: it was signed with the whole secret string; Standard Webhooks uses the base64-decoded part after whsec_' };
  }
  const why = stale ? `${staleReason}; and ` : '';
  return { ...base, verdict: stale ? 'stale_timestamp' : 'mismatch', ok: false, reason: `${why}wrong secret, a different body, or a different id/timestamp than the ones signed` };
}

/** A raw HTTP request dump: optional request line, "Name: value" headers, blank line, body. */
export function parseHeadersDump(text: string): { headers: Record<string, string>; body: string | null } {
  const m = /\r?\n\r?\n/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  const body = m ? text.slice(m.index + m[0].length) : null;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c <= 0 || /^[A-Z]+ \S+ HTTP\//.test(line)) continue;
    headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
  }
  return { headers, body: body === '' ? null : body };
}
