// WAL checkpoints off the event loop. Left to itself SQLite copies the WAL back into the database file
// inside the commit that grew it past wal_autocheckpoint pages: an fsync of the WAL, the copy and an
// fsync of the database, about 20 ms here, every 0.5 s at 500 events/s, while every request waited
// on the event loop (the relay's periodic p99 stall). A worker thread with a connection of its own runs
// PASSIVE checkpoints every few hundred ms instead: they never block the writer, and the fsyncs happen
// on the worker. The writer's own autocheckpoint stays, at a larger size, as the backstop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export const CHECKPOINT_EVERY_MS = 200;

// CommonJS, evaluated in the worker: better-sqlite3 is passed in as a path (the code may run from a bundle).
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
// Passes until one copies everything the WAL holds: the writer's next commit then restarts the WAL
// from its beginning. One pass per interval would keep losing that race to the commits made while it
// synced, the WAL would grow to the writer's own limit, and the writer would checkpoint after all.
const checkpoint = () => {
  try {
    for (let pass = 0; pass < 8; pass++) {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)');
      if (r.busy || r.log === r.checkpointed) break;
    }
  } catch {
    // Busy or the file went away: the writer's autocheckpoint still bounds the WAL.
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  /** Starts checkpointing `file` (a WAL database the caller has open); a worker that fails only logs. */
  constructor(file: string, log: (line: string) => void = () => undefined, everyMs = CHECKPOINT_EVERY_MS) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData: { driver, file, everyMs } });
    this.worker.unref(); // never what keeps the process alive
    this.worker.on('error', (err) => log(`checkpoint worker: ${err.message} (the database checkpoints itself instead)`));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Closes the worker's connection and waits for it to end. */
  async stop(): Promise<void> {
    this.worker.ref(); // the process must not end while this waits (nothing else may be left to keep it up)
    this.worker.postMessage('stop');
    await this.exited;
  }

  /** For a synchronous close path: ends the worker without waiting. */
  terminate(): void {
    void this.worker.terminate();
  }
}
