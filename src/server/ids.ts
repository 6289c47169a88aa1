// Time-ordered ids for the emulator's high-volume rows (events, deliveries): `prefix_` + the time in
// base36 + random. New rows then land at the right edge of every id index, so a commit writes a few
// pages instead of one random page per index per row (measured: the biggest cost of a delivery).
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
let pool = Buffer.alloc(0);
let offset = 0;

function randomChars(n: number): string {
  if (offset + n > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[pool[offset++] % 36];
  return out;
}

/** e.g. evt_0mi3k2x1a7f3k9q2b1 (9 time chars, then 10 random). Sorts by creation time. */
export function sortableId(prefix: string, now = Date.now()): string {
  return `${prefix}_${now.toString(36).padStart(9, '0')}${randomChars(10)}`;
}
