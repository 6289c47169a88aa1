// Exit codes, documented in README: 0 ok, 1 the operation failed (API error, receiver not 2xx,
// expectation not met), 2 usage error (bad flag, bad argument, bad input file), 130 interrupted.
import type { ErrorKind } from '../errors.js';

export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INTERRUPTED: 130 } as const;

const BY_KIND: Record<ErrorKind, number> = { usage: EXIT.USAGE, failed: EXIT.FAILED };

export function exitCodeFor(kind: ErrorKind): number {
  return BY_KIND[kind];
}
