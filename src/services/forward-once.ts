// `trigger --forward-to`: sign each built event and POST it straight to the app, no API involved.
// Succeeds only when every answer is 2xx; the reporter it is handed shows the answers.
import type { ForwardResult } from './signed-post.js';
import type { WebhookEvent } from '../contract/v1.js';
import { FailedError, UsageError } from '../errors.js';
import type { ForwardReporter } from '../output/forward-report.js';
import { env } from '../util/env.js';

export interface ForwardOnceOptions {
  url: string;
  secret?: string;
  profileSecret?: string;
  count: number;
  timeoutMs: number;
}

export function pickSecret(o: Pick<ForwardOnceOptions, 'secret' | 'profileSecret'>): string {
  const s = o.secret ?? env('PROPITBOX_WEBHOOK_SECRET') ?? o.profileSecret;
  if (!s) throw new UsageError('No signing secret: pass --secret S, set PROPITBOX_WEBHOOK_SECRET, or run `propitbox webhooks listen --print-secret` once');
  return s;
}

/** No complete answer: timeout (a trickled answer too), TLS (with its hint), or nobody listening. */
export function noAnswerError(r: ForwardResult, timeoutMs = 30_000): FailedError {
  const within = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
  if (r.error_kind === 'timeout') return new FailedError(`Receiver at ${r.url} did not answer within ${within}: is your app stuck?`);
  if (r.hint) return new FailedError(`Receiver at ${r.url} failed (${r.error}): ${r.hint}`);
  return new FailedError(`Receiver at ${r.url} is not reachable (${r.error}): is your app running?`);
}

export async function forwardOnce(build: () => WebhookEvent, o: ForwardOnceOptions, report: ForwardReporter): Promise<void> {
  const secret = pickSecret(o);
  // Loaded here, not at the top: `trigger` without --forward-to should not pay for them.
  const { Signer } = await import('../signing/signer.js');
  const { signedPost } = await import('./signed-post.js');
  const signer = new Signer(secret, 'ProPitbox-Webhooks/1.0 (propitbox trigger)');
  const results: ForwardResult[] = [];
  for (let i = 0; i < o.count; i++) {
    const event = build();
    const r = await signedPost({ url: o.url, event, body: JSON.stringify(event), signer, timeoutMs: o.timeoutMs });
    results.push(r);
    if (r.status_code === null) {
      report.done(results);
      throw noAnswerError(r, o.timeoutMs);
    }
    report.result(r, `${event.type} ${event.id}`);
  }
  report.done(results);
  const bad = results.filter((r) => r.status_code === null || r.status_code < 200 || r.status_code >= 300);
  if (bad.length) {
    const code = bad[0].status_code;
    const hint = code === 401 || code === 403 ? ': is the app verifying with the same secret? (see `propitbox verify --help`)' : '';
    throw new FailedError(`Receiver at ${o.url} answered ${code} (not 2xx) for ${bad.length} of ${results.length} event(s)${hint}`);
  }
}
