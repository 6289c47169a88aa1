// Where output goes: results on stdout (JSON or text), diagnostics on stderr, so `--json | jq` works.
import { stderr, stdout } from '../util/io.js';

export function printJson(value: unknown): void {
  stdout().write(JSON.stringify(value, null, 2) + '\n');
}

export function printText(text: string): void {
  stdout().write(text.endsWith('\n') ? text : text + '\n');
}

/** Notes, hints and progress: stderr, never mixed into the data on stdout. */
export function note(text: string): void {
  stderr().write(text.endsWith('\n') ? text : text + '\n');
}
