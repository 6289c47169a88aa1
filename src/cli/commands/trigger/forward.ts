// `trigger --forward-to URL`: sign each built event and POST it straight to the app; exit 0 only on 2xx.
import type { WebhookEvent } from '../../../contract/v1.js';
import { FailedError, UsageError } from '../../../errors.js';
import { env } from '../../../util/env.js';

export interface ForwardOptions {
  url: string;
  secret?: string;
  profileSecret?: string;
  count: number;
  json?: boolean;
  timeoutMs: number;
}

export function pickSecret(o: Pick<ForwardOptions, 'secret' | 'profileSecret'>): string {
  const s = o.secret ?? env('PROPITBOX_WEBHOOK_SECRET') ?? o.profileSecret;
  if (!s) throw new UsageError('No signing secret: pass --secret S, set PROPITBOX_WEBHOOK_SECRET, or run `propitbox webhooks listen --print-secret` once');
  return s;
}

export async function forwardEvents(build: () => WebhookEvent, o: ForwardOptions): Promise<void> {
  const secret = pickSecret(o);
  const { signedHeaders } = await import('../../../signing/sign.js');
  const { postSigned } = await import('../../../api/forward.js');
  const { printJson } = await import('../../../output/print.js');
  const { printForward, noAnswerError } = await import('../forward-report.js');
  const results = [];
  for (let i = 0; i < o.count; i++) {
    const event = build();
    const body = JSON.stringify(event);
    const headers = signedHeaders({ eventId: event.id, eventType: event.type, body, secret, now: Date.now(), userAgent: 'ProPitbox-Webhooks/1.0 (propitbox trigger)' });
    const r = await postSigned(o.url, body, headers, { eventId: event.id, eventType: event.type, timeoutMs: o.timeoutMs });
    results.push(r);
    if (r.status_code === null) {
      if (o.json) printJson(o.count === 1 ? r : results);
      throw noAnswerError(r, o.timeoutMs);
    }
    if (!o.json) await printForward(r, `${event.type} ${event.id}`);
  }
  if (o.json) printJson(o.count === 1 ? results[0] : results);
  const bad = results.filter((r) => r.status_code === null || r.status_code < 200 || r.status_code >= 300);
  if (bad.length) {
    const code = bad[0].status_code;
    const hint = code === 401 || code === 403 ? ': is the app verifying with the same secret? (see `propitbox verify --help`)' : '';
    throw new FailedError(`Receiver at ${o.url} answered ${code} (not 2xx) for ${bad.length} of ${results.length} event(s)${hint}`);
  }
}
