// Where output goes: results on stdout (JSON or text), diagnostics on stderr, so `--json | jq` works.
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printText(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/** Notes, hints and progress: stderr, never mixed into the data on stdout. */
export function note(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
}
