// Every event enters here: POST /v1/events, a dashboard/CLI test event, a resend. The event row, its
// endpoint deliveries and whatever the sinks (listen sessions) write are committed in ONE transaction
// before the API answers (an outbox), so an acknowledged event is never lost; then the engine is woken.
import type { Delivery, WebhookEvent } from '../api/types.js';
import { isEventType, unknownTypeMessage } from '../domain/event-types.js';
import { isoSeconds } from '../util/ids.js';
import { sortableId } from './ids.js';
import type { EmulatorBus } from './bus.js';
import type { Db } from './db/open.js';
import { badRequest, conflict } from './errors.js';
import { toDelivery, type DeliveryRow, type DeliveryStore } from './store/deliveries.js';
import type { EndpointStore, EndpointTarget } from './store/endpoints.js';
import { eventBody, toPublic, type EventStore, type StoredEvent } from './store/events.js';

export type { StoredEvent } from './store/events.js';

/** Something besides endpoints that receives events, e.g. the listen-session relay. */
export interface EventSink {
  /** Called synchronously INSIDE the transaction that inserts the event; writes its own rows. */
  fanOut(event: StoredEvent): Delivery[];
  /** Called after the commit (wake sockets, etc.). */
  afterCommit?(event: StoredEvent): void;
}

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

interface Written {
  event: StoredEvent;
  insert: boolean;
  withSinks: boolean;
  rows: DeliveryRow[];
  fromSinks: Delivery[];
}

interface GroupItem {
  input: DispatchInput;
  resolve: (r: DispatchResult) => void;
  reject: (err: unknown) => void;
}

export type EnqueueFn = (rows: DeliveryRow[], body: string) => void;

export class EventDispatcher {
  private readonly sinks: EventSink[] = [];
  private group: GroupItem[] = [];

  constructor(
    private readonly db: Db,
    private readonly events: EventStore,
    private readonly endpoints: EndpointStore,
    private readonly deliveries: DeliveryStore,
    private readonly bus: EmulatorBus,
    private readonly enqueue: EnqueueFn,
  ) {}

  /** Add a sink; returns a function that removes it. */
  registerSink(sink: EventSink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  /** A new event for every matching enabled endpoint and every sink. */
  create(input: DispatchInput): DispatchResult {
    const event = this.build(input);
    return this.commit(event, true, () => this.endpoints.matching(event.type), true);
  }

  /**
   * create() for the API: the requests that arrive in the same tick share one transaction (group
   * commit: one disk write instead of N), and each still resolves only after its event is committed.
   */
  createGrouped(input: DispatchInput): Promise<DispatchResult> {
    return new Promise((resolve, reject) => {
      this.group.push({ input, resolve, reject });
      if (this.group.length === 1) setImmediate(() => this.flushGroup());
    });
  }

  /** A new event for one endpoint only (the docs' "Send Test Event"); sinks do not see it. */
  test(endpointId: string, input: DispatchInput): DispatchResult {
    const target = this.enabledTarget(endpointId);
    const event = this.build(input);
    return this.commit(event, true, () => [target], false);
  }

  /** The same event (same id, same bytes) again: to one endpoint, or to every match and every sink. */
  resend(eventId: string, endpointId?: string): Delivery[] {
    const event = this.events.get(eventId);
    if (endpointId !== undefined) {
      const target = this.enabledTarget(endpointId);
      return this.commit(event, false, () => [target], false).deliveries;
    }
    return this.commit(event, false, () => this.endpoints.matching(event.type), true).deliveries;
  }

  /** 404 for an unknown endpoint, 409 for a disabled one (it would only fail). */
  private enabledTarget(endpointId: string): EndpointTarget {
    this.endpoints.get(endpointId);
    const target = this.endpoints.target(endpointId)!;
    if (target.status !== 'enabled') throw conflict(`Webhook endpoint ${endpointId} is disabled: enable it first (POST /v1/webhooks/${endpointId}/enable)`, 'endpoint_disabled', 'endpoint_id');
    return target;
  }

  private build(input: DispatchInput): StoredEvent {
    if (!isEventType(input.type)) throw badRequest(unknownTypeMessage(input.type, false), 'type');
    const id = input.id ?? sortableId('evt');
    if (input.id !== undefined && this.events.exists(id)) throw conflict(`An event with id '${id}' already exists; resend it with POST /v1/events/${id}/resend`, 'resource_exists', 'id');
    if (input.created !== undefined && Number.isNaN(Date.parse(input.created))) throw badRequest(`created must be an ISO-8601 time like 2024-12-25T10:30:00Z, got '${input.created}'`, 'created');
    const e: WebhookEvent = { id, type: input.type, created: input.created ?? isoSeconds(), data: input.data };
    return { ...e, body: eventBody(e) };
  }

  private commit(event: StoredEvent, insert: boolean, targets: () => EndpointTarget[], withSinks: boolean): DispatchResult {
    let written!: Written;
    this.db.transaction(() => (written = this.write(event, insert, targets, withSinks)))();
    return this.publish(written);
  }

  /** The rows of one dispatch; runs inside a transaction. */
  private write(event: StoredEvent, insert: boolean, targets: () => EndpointTarget[], withSinks: boolean): Written {
    const rows: DeliveryRow[] = [];
    const fromSinks: Delivery[] = [];
    if (insert) this.events.insert(event);
    const now = Date.now();
    for (const t of targets()) rows.push(this.deliveries.createForEndpoint(event, t, now));
    if (withSinks) for (const s of this.sinks) fromSinks.push(...s.fanOut(event));
    return { event, insert, withSinks, rows, fromSinks };
  }

  /** After the commit: wake the sinks and the engine, tell listeners. */
  private publish({ event, insert, withSinks, rows, fromSinks }: Written): DispatchResult {
    if (withSinks) for (const s of this.sinks) s.afterCommit?.(event);
    this.enqueue(rows, event.body);
    const deliveries = [...rows.map(toDelivery), ...fromSinks];
    if (insert) this.bus.emit('event.created', toPublic(event));
    if (this.bus.listenerCount('delivery.updated') > 0) for (const d of deliveries) this.bus.emit('delivery.updated', d);
    return { event: toPublic(event), deliveries };
  }

  /** One transaction for the whole group, one savepoint per event so a bad one fails alone. */
  private flushGroup(): void {
    const batch = this.group;
    this.group = [];
    const out: (Written | Error)[] = [];
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          try {
            out.push(
              this.db.transaction(() => {
                const event = this.build(item.input);
                return this.write(event, true, () => this.endpoints.matching(event.type), true);
              })(),
            );
          } catch (err) {
            out.push(err as Error);
          }
        }
      })();
    } catch (err) {
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => {
      const w = out[i];
      if (w instanceof Error) return item.reject(w);
      try {
        item.resolve(this.publish(w));
      } catch (err) {
        item.reject(err);
      }
    });
  }
}
