// `webhooks listen` runs for hours and allocates a little for every event, nearly all of it short-lived.
// V8 lets the old generation grow to several times what is live before collecting it: with ~25 MB live,
// listen's RSS climbed to 180 MB over 100,000 events. A growth factor of 1.5 keeps it near its live
// size (about 130 MB, flat) at no measurable CPU cost. V8 flags are process-wide: only the process's
// own run sets it, never an in-process (test) run.
// WebAssembly stays on V8's baseline compiler (Liftoff): undici's HTTP parser (llhttp) is one big wasm
// function, and TurboFan re-compiling it once hot took ~35 MB of memory for a moment (RSS peaked at
// 98 MB right after start-up, 64 MB without) and ~50 ms of CPU, for no measurable gain per event.
// Functions are optimized after 1/8 of V8's default interrupt budget: each event runs ~350 functions
// once, so at the default they ran unoptimized (Sparkplug) code for the first ~3,000 events, which cost
// more CPU than TurboFan compiling them. Measured on V8 11 (Node 20) only; other versions keep theirs.
import { setFlagsFromString } from 'node:v8';
import { currentIo } from '../util/io.js';

let flagsChanged = false;

export function keepHeapNearLiveSize(): void {
  if (currentIo()) return;
  setFlagsFromString('--heap-growing-percent=50');
  setFlagsFromString('--liftoff-only');
  if (process.versions.v8.startsWith('11.')) setFlagsFromString('--interrupt-budget=8192');
  flagsChanged = true;
}

/** Whether this process changed V8's flags: V8 rejects a code cache made after that (bin/load-main.js). */
export function v8FlagsChanged(): boolean {
  return flagsChanged;
}
