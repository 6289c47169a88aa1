// Whether the emulator can write to its data dir. A full disk (or an I/O error) is not a bug: the API
// answers 507/503 `storage_full`/`storage_error` instead of a generic 500, /v1/health says `degraded`,
// and the delivery engine keeps the outcomes it could not record in memory until a write succeeds.
import type { Db } from './db/open.js';
import { ApiHttpError } from './errors.js';

export type StorageErrorCode = 'storage_full' | 'storage_error' | 'store_unavailable';

/** PostgreSQL (SQLSTATE) and socket codes for "the database is not there right now". */
const UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

export interface StorageFailure {
  code: StorageErrorCode;
  message: string;
  since: string;
}

/** SQLite's (and PostgreSQL's) codes for "the write did not reach the disk"; anything else is not about storage. */
export function storageErrorCode(err: unknown): StorageErrorCode | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === '53100') return 'storage_full';
  if (UNAVAILABLE.has(code)) return 'store_unavailable';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'EROFS' || code === 'EIO') return 'storage_error';
  return null;
}

/** The API's answer to a write that failed for lack of storage (null when `err` is something else). No path: it may be hosted. */
export function storageApiError(err: unknown): ApiHttpError | null {
  const code = storageErrorCode(err);
  if (!code) return null;
  if (code === 'store_unavailable') return new ApiHttpError(503, 'api_error', 'store_unavailable', 'The server cannot reach its database: nothing was stored. Retry in a moment');
  return code === 'storage_full'
    ? new ApiHttpError(507, 'api_error', 'storage_full', "The server's disk is full: nothing was stored. Free space on the disk of its data dir, then retry")
    : new ApiHttpError(503, 'api_error', 'storage_error', "The server cannot write to its data dir (an I/O error): nothing was stored. Check the disk, then retry");
}

const PROBE_BYTES = 16 * 1024;

export class StorageHealth {
  private failure: StorageFailure | null = null;
  private readonly probeWrite: () => void;

  /** `db`: the SQLite database to probe; without one (PostgreSQL) /v1/health asks the store instead. */
  constructor(db?: Db) {
    if (!db) {
      this.probeWrite = () => undefined;
      return;
    }
    // A committed write of a few pages, then removed: it fails when a real write would (full disk,
    // database size limit), unlike a read or an in-place update.
    const put = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('storage_probe', ?)");
    const del = db.prepare("DELETE FROM meta WHERE key = 'storage_probe'");
    const blob = 'x'.repeat(PROBE_BYTES);
    this.probeWrite = () => {
      put.run(blob);
      del.run();
    };
  }

  /** Note a failed write; returns whether it was a storage failure (so callers can tell bugs apart). */
  failed(err: unknown): boolean {
    const code = storageErrorCode(err);
    if (!code) return false;
    if (!this.failure || this.failure.code !== code) this.failure = { code, message: (err as Error).message, since: new Date().toISOString() };
    return true;
  }

  /** A write went through. */
  ok(): void {
    this.failure = null;
  }

  get failing(): boolean {
    return this.failure !== null;
  }

  /** The current state for /v1/health; while failing, one probe write tells whether it recovered. */
  check(): StorageFailure | null {
    if (!this.failure) return null;
    try {
      this.probeWrite();
      this.failure = null;
    } catch (err) {
      this.failed(err);
    }
    return this.failure;
  }
}
