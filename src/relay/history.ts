// Local history: every forwarded event and its final outcome, one NDJSON line each, in
// <stateDir>/history/<profile>.ndjson. Bounded: at 20 MB the file rotates to .1 (one old file kept),
// so at most ~40 MB. Lines are buffered and written every 100 ms (cheap at thousands of events/s); close() flushes.
// Reads (find/search) scan newest first, so `events replay` works after a restart without the API.
// History is a convenience: a state dir that cannot be written never stops forwarding, but the first
// failure is reported (onUnavailable) so listen can say that history is off.
import { closeSync, createReadStream, existsSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../config/paths.js';
import type { HistoryIngest } from './ingest-item.js';

export const HISTORY_MAX_BYTES = 20 * 1024 * 1024;

export interface HistoryRecord {
  v: 1;
  at: string; // when the outcome was known
  id: string;
  type: string;
  created: string;
  seq: number | null;
  body: string;
  url: string;
  status: number | null;
  duration_ms: number;
  error: string | null;
  replay: boolean;
  /** A raw request from an ingest URL (body holds its text for search; the bytes are in here). */
  ingest?: HistoryIngest;
}

export function historyFile(profile: string, dir = stateDir()): string {
  return join(dir, 'history', `${profile.replace(/[^A-Za-z0-9_.-]/g, '_')}.ndjson`);
}

export class History {
  private fd: number | null = null;
  private size = 0;
  private pending: string[] = [];
  private scheduled = false;
  private failed = false;

  constructor(
    readonly file: string,
    private readonly maxBytes = HISTORY_MAX_BYTES,
    /** Called once, on the first write that fails (state dir not writable, disk full). */
    private readonly onUnavailable?: (err: NodeJS.ErrnoException) => void,
  ) {}

  /** Open the file now, so an unwritable state dir is known before the first event. */
  probe(): void {
    try {
      if (this.fd === null) this.open();
    } catch (err) {
      this.fail(err);
    }
  }

  append(rec: HistoryRecord): void {
    this.pending.push(JSON.stringify(rec) + '\n');
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.flush(), 100).unref();
    }
  }

  flush(): void {
    this.scheduled = false;
    if (!this.pending.length) return;
    const chunk = this.pending.join('');
    this.pending = [];
    try {
      if (this.fd === null) this.open();
      if (this.size + chunk.length > this.maxBytes && this.size > 0) this.rotate();
      this.size += writeSync(this.fd!, chunk);
    } catch (err) {
      this.fail(err); // a full disk or a read-only state dir must not stop forwarding
    }
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.onUnavailable?.(err as NodeJS.ErrnoException);
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    closeSync(this.fd!);
    renameSync(this.file, this.file + '.1');
    this.open();
  }
}

/** Newest-first records of the history file and its rotated predecessor. */
async function* readNewestFirst(file: string): AsyncGenerator<HistoryRecord> {
  for (const f of [file, file + '.1']) {
    if (!existsSync(f)) continue;
    const lines: string[] = [];
    const { createInterface } = await import('node:readline');
    const rl = createInterface({ input: createReadStream(f, 'utf8'), crlfDelay: Infinity });
    for await (const line of rl) if (line) lines.push(line);
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        yield JSON.parse(lines[i]) as HistoryRecord;
      } catch {
        /* a torn last line after a crash: skip it */
      }
    }
  }
}

export async function findInHistory(file: string, eventId: string): Promise<HistoryRecord | null> {
  for await (const r of readNewestFirst(file)) if (r.id === eventId) return r;
  return null;
}

/** Latest outcome per event whose id or type contains the query (case-insensitive), newest first. */
export async function searchHistory(file: string, query: string, limit: number): Promise<HistoryRecord[]> {
  const q = query.toLowerCase();
  const seen = new Set<string>();
  const out: HistoryRecord[] = [];
  for await (const r of readNewestFirst(file)) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    if (!q || r.id.toLowerCase().includes(q) || r.type.toLowerCase().includes(q)) out.push(r);
    if (out.length >= limit) break;
  }
  return out;
}
