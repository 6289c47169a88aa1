// Every event enters here: POST /v1/events, a dashboard/CLI test event, a resend. Input is checked,
// then the store commits the event, its endpoint deliveries and its listen-session rows in ONE
// transaction before the API answers (an outbox), so an acknowledged event is never lost. Requests that
// arrive in the same tick share that transaction (group commit: one disk write instead of N). After the
// commit the claimed deliveries go to this node's engine and live views are told.
import type { Delivery, WebhookEvent } from '../contract/v1.js';
import { isEventType } from '../domain/event-types.js';
import { isoSeconds, newId } from '../util/ids.js';
import type { EmulatorBus } from './bus.js';
import { badRequest, unknownEventType } from './errors.js';
import { eventBody, toPublic } from './store/rows.js';
import type { AcceptItem, Accepted, ClaimedDelivery, Store, StoredEvent } from './store/store.js';

export type { StoredEvent } from './store/store.js';

export interface DispatchInput {
  type: string;
  data: Record<string, unknown>;
  id?: string;
  created?: string;
}

export interface DispatchResult {
  event: WebhookEvent;
  deliveries: Delivery[];
}

interface GroupItem {
  item: AcceptItem;
  resolve: (r: Accepted) => void;
  reject: (err: unknown) => void;
}

/**
 * Groups being committed at once. While they are, new requests wait and form the next group: under load
 * groups grow instead of transactions queueing for the same session rows (on PostgreSQL each one holds
 * its sessions' rows until it commits).
 */
const MAX_GROUPS_IN_FLIGHT = 2;

export class EventDispatcher {
  private group: GroupItem[] = [];
  private inFlight = 0;

  constructor(
    private readonly store: Store,
    private readonly bus: EmulatorBus,
    private readonly engine: { enqueue(claims: ClaimedDelivery[]): void; readonly leaseMs: number },
  ) {}

  /** A new event for every matching enabled endpoint and listen session of the owner. */
  async createGrouped(owner: string, input: DispatchInput): Promise<DispatchResult> {
    return result(await this.submit({ owner, event: build(input), insert: true, endpoints: 'matching', sessions: true }));
  }

  /** createGrouped() answered as the JSON of POST /v1/events: `{"event":…,"deliveries":[…]}`, around the stored body. */
  async createGroupedJson(owner: string, input: DispatchInput): Promise<string> {
    const a = await this.submit({ owner, event: build(input), insert: true, endpoints: 'matching', sessions: true });
    return `{"event":${a.event.body},"deliveries":${JSON.stringify(a.deliveries)}}`;
  }

  /** A new event for one endpoint only (the docs' "Send Test Event"); sessions do not see it. 404/409 for an unknown or disabled endpoint. */
  async test(owner: string, endpointId: string, input: DispatchInput): Promise<DispatchResult> {
    return result(await this.submit({ owner, event: build(input), insert: true, endpoints: { only: endpointId }, sessions: false }));
  }

  /** The same event (same id, same bytes) again: to one endpoint, or to every match and every session. */
  async resend(owner: string, eventId: string, endpointId?: string): Promise<Delivery[]> {
    const event = await this.store.events.get(owner, eventId);
    const item: AcceptItem = endpointId !== undefined ? { owner, event, insert: false, endpoints: { only: endpointId }, sessions: false } : { owner, event, insert: false, endpoints: 'matching', sessions: true };
    return (await this.submit(item)).deliveries;
  }

  private submit(item: AcceptItem): Promise<Accepted> {
    return new Promise((resolve, reject) => {
      this.group.push({ item, resolve, reject });
      if (this.group.length === 1 && this.inFlight < MAX_GROUPS_IN_FLIGHT) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (!this.group.length || this.inFlight >= MAX_GROUPS_IN_FLIGHT) return;
    const batch = this.group;
    this.group = [];
    this.inFlight++;
    let out: (Accepted | Error)[];
    try {
      out = await this.store.accept(
        batch.map((b) => b.item),
        this.engine.leaseMs,
      );
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    } finally {
      this.inFlight--;
      // What arrived meanwhile is the next group.
      if (this.group.length) setImmediate(() => void this.flush());
    }
    const claims = out.flatMap((r) => (r instanceof Error ? [] : r.claimed));
    if (claims.length) this.engine.enqueue(claims);
    batch.forEach((b, i) => {
      const r = out[i];
      if (r instanceof Error) return b.reject(r);
      this.publish(b.item, r);
      b.resolve(r);
    });
  }

  /** Tell this node's live views (the dashboard stream, `serve`'s log). */
  private publish(item: AcceptItem, a: Accepted): void {
    if (item.insert && this.bus.wants('event.created')) this.bus.emit('event.created', toPublic(a.event), item.owner);
    if (this.bus.wants('delivery.updated')) for (const d of a.deliveries) this.bus.emit('delivery.updated', d, item.owner);
  }
}

function result(a: Accepted): DispatchResult {
  return { event: toPublic(a.event), deliveries: a.deliveries };
}

/** The event as it will be stored; bad input is a 400 before anything is written. */
function build(input: DispatchInput): StoredEvent {
  if (!isEventType(input.type)) throw unknownEventType(input.type);
  if (input.created !== undefined && !isIsoDateTime(input.created)) throw badRequest(`created must be an ISO-8601 time like 2024-12-25T10:30:00Z, got '${input.created}'`, 'created');
  // evt_ + 10 characters, the seed's format, whichever way the event was made (trigger, test, dashboard).
  const e: WebhookEvent = { id: input.id ?? newId('evt', 10), type: input.type, created: input.created ?? isoSeconds(), data: input.data };
  return { ...e, body: eventBody(e) };
}

/** ISO-8601 date and time with a zone, e.g. 2024-12-25T10:30:00Z or 2024-12-25T10:30:00.123+02:00, and a real date. */
export function isIsoDateTime(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/i.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, sec = '0', zh = '0', zm = '0'] = m;
  const day = new Date(0);
  day.setUTCFullYear(+y, +mo - 1, +d); // not Date.UTC: it maps years 0-99 to 1900-1999
  return day.getUTCFullYear() === +y && day.getUTCMonth() === +mo - 1 && day.getUTCDate() === +d && +h < 24 && +mi < 60 && +sec < 60 && +zh < 24 && +zm < 60;
}
