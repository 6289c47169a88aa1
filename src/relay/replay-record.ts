// A replay (TUI r / R / e, `events replay`) is one more attempt of the listen-session delivery it
// repeats: it goes out with that delivery's next X-ProPitbox-Attempt number and its outcome is
// recorded on it (manual), so the CLI, the TUI and the dashboard's Event Logs tell one story.
// Which delivery: the one the relay named when it sent the event, else the event's session delivery
// to the same URL (or its only one) as the API lists them. Without an API nothing is recorded.
import type { Delivery } from '../contract/v1.js';
import type { RelayApi } from './relay-api.js';
import { setBounded } from '../util/bounded-map.js';

type DeliveryApi = Pick<RelayApi, 'getDelivery' | 'sessionDeliveries' | 'recordAttempt'>;

export interface ReplayTarget {
  /** null: no session delivery to record it on (the event never went through a listen session). */
  deliveryId: string | null;
  /** The X-ProPitbox-Attempt to send. */
  attempt: number;
}

export interface ReplayOutcome {
  status: number | null;
  durationMs: number;
  error: string | null;
  requestHeaders: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

const KNOWN_LIMIT = 10_000;

export class ReplayRecorder {
  private readonly known = new Map<string, string>();

  constructor(private readonly api: DeliveryApi | null) {}

  /** The relay said which delivery carried this event to us. */
  note(eventId: string, deliveryId: string | undefined): void {
    if (deliveryId) setBounded(this.known, eventId, deliveryId, KNOWN_LIMIT);
  }

  async target(eventId: string, url: string, deliveryId?: string): Promise<ReplayTarget> {
    if (!this.api) return { deliveryId: null, attempt: 1 };
    try {
      let d: Delivery | null = null;
      const id = deliveryId ?? this.known.get(eventId);
      if (id) d = await this.api.getDelivery(id);
      if (!d) {
        const all = await this.api.sessionDeliveries(eventId);
        d = all.find((x) => x.url === url) ?? (all.length === 1 ? all[0] : null);
      }
      return d ? { deliveryId: d.id, attempt: d.attempt_count + 1 } : { deliveryId: null, attempt: 1 };
    } catch {
      return { deliveryId: null, attempt: 1 }; // the API is away: the replay still goes out
    }
  }

  /** Records the outcome; returns a warning line when the API did not take it (the replay itself happened). */
  async record(deliveryId: string, out: ReplayOutcome): Promise<string | null> {
    if (!this.api) return null;
    try {
      await this.api.recordAttempt(deliveryId, {
        status_code: out.status,
        duration_ms: Math.round(out.durationMs),
        error: out.error,
        request_headers: out.requestHeaders,
        response_headers: out.headers,
        response_body: out.body.slice(0, 20 * 1024),
      });
      return null;
    } catch (e) {
      return `The replay was not recorded in the Event Logs (${(e as Error).message})`;
    }
  }
}
