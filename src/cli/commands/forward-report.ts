// How `trigger --forward-to` and `events replay` report one signed POST to a local app: the same
// line, the same excerpt, the same one-line failures (with the fix) for both.
import type { ForwardResult } from '../../api/forward.js';
import { FailedError } from '../../errors.js';

export async function printForward(r: ForwardResult, what: string): Promise<void> {
  if (r.status_code === null) return;
  const { printText } = await import('../../output/print.js');
  const { paintStatus } = await import('../../output/color.js');
  printText(`${paintStatus(r.status_code)} POST ${r.url} (${r.duration_ms} ms) ${what}`);
  const excerpt = r.response_body.trim().replace(/\s+/g, ' ').slice(0, 200);
  if (excerpt) printText(`    ${excerpt}`);
}

/** No answer at all: timeout, TLS (with its hint), or nobody listening. */
export function noAnswerError(r: ForwardResult, timeoutMs = 30_000): FailedError {
  if (r.error_code === 'ETIMEDOUT') return new FailedError(`Receiver at ${r.url} did not answer within ${Math.round(timeoutMs / 1000)} s: is your app stuck?`);
  if (r.hint) return new FailedError(`Receiver at ${r.url} failed (${r.error}): ${r.hint}`);
  return new FailedError(`Receiver at ${r.url} is not reachable (${r.error}): is your app running?`);
}
