// How `trigger --forward-to` and `events replay` show signed POSTs to a local app: a status line and
// an excerpt per answer, or with --json the results as one document at the end.
import type { ForwardResult } from '../services/signed-post.js';
import { paintStatus } from './color.js';
import { printJson, printText } from './print.js';

export interface ForwardReporter {
  /** The app answered (or did not: status_code null, said by the error the service throws). */
  result(r: ForwardResult, what: string): void;
  /** The run is over, also when it stopped at a receiver that did not answer. */
  done(results: ForwardResult[]): void;
}

/** `document`: what --json prints for the results (each command has one shape whatever its flags). */
export function createForwardReporter(o: { json?: boolean; document: (results: ForwardResult[]) => unknown }): ForwardReporter {
  if (o.json) return { result: () => undefined, done: (results) => printJson(o.document(results)) };
  return { result: printForward, done: () => undefined };
}

function printForward(r: ForwardResult, what: string): void {
  if (r.status_code === null) return;
  printText(`${paintStatus(r.status_code)} POST ${r.url} (${r.duration_ms} ms) ${what}`);
  const excerpt = r.response_body.trim().replace(/\s+/g, ' ').slice(0, 200);
  if (excerpt) printText(`    ${excerpt}`);
}
