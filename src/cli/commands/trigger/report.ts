// Printing what `trigger` / `webhooks test` sent through the API, and `--wait` outcomes. --json is one
// shape whatever the flags: {"events":[…],"deliveries":[…]}, plus "timed_out" with --wait.
import type { Api } from '../../../api/connect.js';
import type { CreateEventResponse, Delivery } from '../../../contract/v1.js';
import { FailedError, UsageError } from '../../../errors.js';
import { parseDuration } from '../../../util/duration.js';

export function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) throw new UsageError(`--timeout expects a duration like 30s, 2m or 500ms, got '${value}'`);
  return ms;
}

export interface ReportOptions {
  wait?: boolean;
  /** With --wait: also wait for listen sessions that have no client connected. */
  waitAll?: boolean;
  timeoutMs: number;
  json?: boolean;
}

export async function reportSent(a: Api, sent: CreateEventResponse[], opts: ReportOptions): Promise<void> {
  const { printJson, printText, note } = await import('../../../output/print.js');
  const { sentLine, NO_SUBSCRIBER_HINT } = await import('../../../output/format-events.js');
  const events = sent.map((r) => r.event);
  const deliveries = sent.flatMap((r) => r.deliveries);
  if (!opts.json) for (const r of sent) printText(sentLine(r));
  if (!opts.wait) {
    if (opts.json) printJson({ events, deliveries });
    if (!deliveries.length) note(NO_SUBSCRIBER_HINT);
    return;
  }
  // A session nobody is connected to cannot deliver before the deadline: say so instead of failing on it.
  const skipped = opts.waitAll ? new Set<string>() : await idleSessions(a, deliveries);
  for (const id of skipped) note(`no client connected to ${id}; skipped (--wait-all waits for it)`);
  const counts = (d: Delivery) => !(d.session_id && skipped.has(d.session_id));
  const expected = deliveries.filter(counts).length;
  if (expected === 0) {
    // --wait promises "exit 1 if not delivered": nothing to deliver is not a success.
    if (opts.json) printJson({ events, deliveries, timed_out: false });
    const why = deliveries.length ? 'every subscriber is a listen session with no client connected' : NO_SUBSCRIBER_HINT[0].toLowerCase() + NO_SUBSCRIBER_HINT.slice(1);
    throw new FailedError(`Nothing was delivered (--wait): ${why}`);
  }
  const { waitForFinal } = await import('../../../api/wait.js');
  const ids = events.map((e) => e.id);
  const res = await waitForFinal(a.deliveries, ids, { timeoutMs: opts.timeoutMs, expected: deliveries.length, counts });
  if (opts.json) printJson({ events, deliveries: res.deliveries, timed_out: res.timedOut });
  else {
    const { outcomeLine } = await import('../../../output/format-deliveries.js');
    for (const d of res.deliveries.filter(counts)) printText(outcomeLine(d));
  }
  const counted = res.deliveries.filter(counts);
  const failed = counted.filter((d) => d.status === 'failed').length;
  const pending = counted.filter((d) => d.status === 'pending').length;
  const list = `propitbox deliveries list --event ${ids[0]}`;
  if (failed) throw new FailedError(`${failed} of ${counted.length} deliveries failed: inspect them with \`${list}\``);
  if (res.timedOut) throw new FailedError(`${pending} of ${counted.length} deliveries still pending after ${Math.round(opts.timeoutMs / 1000)} s: watch them with \`${list}\``);
}

/** The listen sessions among these deliveries that have no client connected right now. */
async function idleSessions(a: Api, deliveries: Delivery[]): Promise<Set<string>> {
  const ids = new Set(deliveries.flatMap((d) => (d.session_id ? [d.session_id] : [])));
  if (!ids.size) return ids;
  const connected = new Set((await a.sessions.list()).data.filter((s) => s.connected).map((s) => s.id));
  return new Set([...ids].filter((id) => !connected.has(id)));
}

/** The send of event n+1 failed: print the n that went out (lines, or the JSON shape), and the error to throw. */
export async function partialSendError(sent: CreateEventResponse[], count: number, err: unknown, json?: boolean): Promise<unknown> {
  if (!sent.length) return err;
  const { printJson, printText } = await import('../../../output/print.js');
  const { sentLine } = await import('../../../output/format-events.js');
  if (json) printJson({ events: sent.map((r) => r.event), deliveries: sent.flatMap((r) => r.deliveries) });
  else for (const r of sent) printText(sentLine(r));
  const why = err instanceof Error ? err.message : String(err);
  return new FailedError(`Sent ${sent.length} of ${count} events (${sent.map((r) => r.event.id).join(', ')}), then the next one failed: ${why}`);
}
