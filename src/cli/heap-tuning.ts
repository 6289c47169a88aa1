// `webhooks listen` runs for hours and allocates a little for every event, nearly all of it short-lived.
// V8 lets the old generation grow to several times what is live before collecting it: with ~25 MB live,
// listen's RSS climbed to 180 MB over 100,000 events. A growth factor of 1.5 keeps it near its live
// size (about 130 MB, flat) at no measurable CPU cost. V8 flags are process-wide: only the process's
// own run sets it, never an in-process (test) run.
import { setFlagsFromString } from 'node:v8';
import { currentIo } from '../util/io.js';

let flagsChanged = false;

export function keepHeapNearLiveSize(): void {
  if (currentIo()) return;
  setFlagsFromString('--heap-growing-percent=50');
  flagsChanged = true;
}

/** Whether this process changed V8's flags: V8 rejects a code cache made after that (bin/load-main.js). */
export function v8FlagsChanged(): boolean {
  return flagsChanged;
}
