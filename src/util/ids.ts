import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

// Random bytes are taken from a pool refilled 4 KB at a time: one randomBytes() per id was a syscall
// (and ~2% of the emulator's CPU) for every event and delivery.
const pool = Buffer.alloc(4096);
let used = pool.length;

/** `prefix_` + 16 random base36 chars, e.g. evt_1a2b3c4d5e6f7g8h. */
export function newId(prefix: string, length = 16): string {
  if (used + length > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[pool[used + i] % 36];
  used += length;
  return `${prefix}_${out}`;
}

/** ISO-8601 without milliseconds, like the seed's "2024-12-25T10:30:00Z". */
export function isoSeconds(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
