// Printing what `trigger` / `webhooks test` sent through the API, and `--wait` outcomes.
import type { Api } from '../../../api/connect.js';
import type { CreateEventResponse } from '../../../contract/v1.js';
import { FailedError, UsageError } from '../../../errors.js';
import { parseDuration } from '../../../util/duration.js';

export function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) throw new UsageError(`--timeout expects a duration like 30s, 2m or 500ms, got '${value}'`);
  return ms;
}

export async function reportSent(a: Api, sent: CreateEventResponse[], opts: { wait?: boolean; timeoutMs: number; json?: boolean }): Promise<void> {
  const { printJson, printText, note } = await import('../../../output/print.js');
  const { sentLine, NO_SUBSCRIBER_HINT } = await import('../../../output/format-events.js');
  const one = <T>(xs: T[]): T | T[] => (xs.length === 1 ? xs[0] : xs);
  const total = sent.reduce((n, r) => n + r.deliveries.length, 0);
  if (!opts.json) for (const r of sent) printText(sentLine(r));
  if (total === 0 && opts.wait) {
    // --wait promises "exit 1 if not delivered": nothing to deliver is not a success.
    if (opts.json) printJson({ events: sent.map((r) => r.event), deliveries: [], timed_out: false });
    throw new FailedError(`Nothing was delivered (--wait): ${NO_SUBSCRIBER_HINT[0].toLowerCase()}${NO_SUBSCRIBER_HINT.slice(1)}`);
  }
  if (total === 0) note(NO_SUBSCRIBER_HINT);
  if (!opts.wait) {
    if (opts.json) printJson(one(sent));
    return;
  }
  const { waitForFinal } = await import('../../../api/wait.js');
  const ids = sent.map((r) => r.event.id);
  const res = await waitForFinal(a.deliveries, ids, { timeoutMs: opts.timeoutMs, expected: total });
  if (opts.json) printJson({ events: sent.map((r) => r.event), deliveries: res.deliveries, timed_out: res.timedOut });
  else {
    const { outcomeLine } = await import('../../../output/format-deliveries.js');
    for (const d of res.deliveries) printText(outcomeLine(d));
  }
  const failed = res.deliveries.filter((d) => d.status === 'failed').length;
  const pending = res.deliveries.filter((d) => d.status === 'pending').length;
  const list = `propitbox deliveries list --event ${ids[0]}`;
  if (failed) throw new FailedError(`${failed} of ${res.deliveries.length} deliveries failed: inspect them with \`${list}\``);
  if (res.timedOut) throw new FailedError(`${pending} of ${res.deliveries.length} deliveries still pending after ${Math.round(opts.timeoutMs / 1000)} s: watch them with \`${list}\``);
}
