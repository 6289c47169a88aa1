// Every event enters here: POST /v1/events, a dashboard/CLI test event, a resend. The event row, its
// endpoint deliveries and whatever the sinks (listen sessions) write are committed in ONE transaction
// before the API answers (an outbox), so an acknowledged event is never lost; then the engine is woken.
import type { Delivery, WebhookEvent } from '../contract/v1.js';
import { isEventType } from '../domain/event-types.js';
import { isoSeconds } from '../util/ids.js';
import { newId } from '../util/ids.js';
import type { EmulatorBus } from './bus.js';
import type { Db } from './db/open.js';
import { badRequest, duplicateEventId, endpointDisabled, unknownEventType } from './errors.js';
import { toDelivery, type DeliveryRow, type DeliveryStore } from './store/deliveries.js';
import type { EndpointStore, EndpointTarget } from './store/endpoints.js';
import { eventBody, toPublic, type EventStore, type StoredEvent } from './store/events.js';
import { storageErrorCode } from './storage-health.js';

export type { StoredEvent } from './store/events.js';

/** Something besides endpoints that receives events, e.g. the listen-session relay. */
export interface EventSink {
  /** Called synchronously INSIDE the transaction that inserts the event; writes its own rows. */
  fanOut(event: StoredEvent): Delivery[];
  /** Called after the commit (wake sockets, etc.). */
  afterCommit?(event: StoredEvent): void;
  /**
   * The transaction (or savepoint) in which fanOut ran for this event was rolled back: forget any
   * in-memory state fanOut staged for it. fanOut may be called again for the same event. May be
   * called for an event this sink never saw (ignore it then).
   */
  rollback?(event: StoredEvent): void;
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

/** A result plus the event's stored body (the API answer embeds it as is instead of re-serializing data). */
interface Published {
  result: DispatchResult;
  body: string;
}

interface GroupItem {
  input: DispatchInput;
  resolve: (r: Published) => void;
  reject: (err: unknown) => void;
}

export type EnqueueFn = (rows: DeliveryRow[], body: string) => void;

export class EventDispatcher {
  private readonly sinks: EventSink[] = [];
  private group: GroupItem[] = [];
  /** Events whose fanOut ran in the transaction now open (told to the sinks if it rolls back). */
  private fanned: StoredEvent[] = [];

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
    return this.group1(input).then((p) => p.result);
  }

  /** createGrouped() answered as the JSON of POST /v1/events: `{"event":…,"deliveries":[…]}`. */
  async createGroupedJson(input: DispatchInput): Promise<string> {
    const { result, body } = await this.group1(input);
    return `{"event":${body},"deliveries":${JSON.stringify(result.deliveries)}}`;
  }

  private group1(input: DispatchInput): Promise<Published> {
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
    if (target.status !== 'enabled') throw endpointDisabled(endpointId);
    return target;
  }

  private build(input: DispatchInput): StoredEvent {
    if (!isEventType(input.type)) throw unknownEventType(input.type);
    // evt_ + 10 characters, the seed's format, whichever way the event was made (trigger, test, dashboard).
    const id = input.id ?? newId('evt', 10);
    if (input.id !== undefined && this.events.exists(id)) throw duplicateEventId(id);
    if (input.created !== undefined && !isIsoDateTime(input.created)) throw badRequest(`created must be an ISO-8601 time like 2024-12-25T10:30:00Z, got '${input.created}'`, 'created');
    const e: WebhookEvent = { id, type: input.type, created: input.created ?? isoSeconds(), data: input.data };
    return { ...e, body: eventBody(e) };
  }

  private commit(event: StoredEvent, insert: boolean, targets: () => EndpointTarget[], withSinks: boolean): DispatchResult {
    let written!: Written;
    this.transact(() => (written = this.write(event, insert, targets, withSinks)));
    return this.publish(written).result;
  }

  /** The rows of one dispatch; runs inside a transaction. */
  private write(event: StoredEvent, insert: boolean, targets: () => EndpointTarget[], withSinks: boolean): Written {
    const rows: DeliveryRow[] = [];
    const fromSinks: Delivery[] = [];
    if (insert) this.events.insert(event);
    const now = Date.now();
    for (const t of targets()) rows.push(this.deliveries.createForEndpoint(event, t, now));
    if (withSinks) {
      this.fanned.push(event);
      for (const s of this.sinks) fromSinks.push(...s.fanOut(event));
    }
    return { event, insert, withSinks, rows, fromSinks };
  }

  /** build(), plus the duplicate-id check across the group (its rows are not written yet). */
  private tryBuild(input: DispatchInput, ids: Set<string>): StoredEvent | Error {
    try {
      const event = this.build(input);
      if (input.id !== undefined && ids.has(event.id)) throw duplicateEventId(event.id);
      ids.add(event.id);
      return event;
    } catch (err) {
      return err as Error;
    }
  }

  private writeNew(event: StoredEvent): Written {
    return this.write(event, true, () => this.endpoints.matching(event.type), true);
  }

  /** Build and write one event inside its own savepoint; its failure is returned, not thrown. */
  private isolated(input: DispatchInput): Written | Error {
    try {
      let written!: Written;
      this.transact(() => (written = this.writeNew(this.build(input))));
      return written;
    } catch (err) {
      // A full disk is no one event's fault, and SQLite may have rolled the whole transaction back.
      if (storageErrorCode(err)) throw err;
      return err as Error;
    }
  }

  /** Run `fn` in a transaction (a savepoint when nested); on rollback tell the sinks what to forget. */
  private transact(fn: () => void): void {
    const mark = this.fanned.length;
    try {
      this.db.transaction(fn)();
    } catch (err) {
      for (const event of this.fanned.splice(mark)) for (const s of this.sinks) s.rollback?.(event);
      throw err;
    } finally {
      if (mark === 0) this.fanned = [];
    }
  }

  /** After the commit: wake the sinks and the engine, tell listeners. */
  private publish({ event, insert, withSinks, rows, fromSinks }: Written): Published {
    if (withSinks) for (const s of this.sinks) s.afterCommit?.(event);
    this.enqueue(rows, event.body);
    const deliveries = [...rows.map(toDelivery), ...fromSinks];
    if (insert) this.bus.emit('event.created', toPublic(event));
    if (this.bus.listenerCount('delivery.updated') > 0) for (const d of deliveries) this.bus.emit('delivery.updated', d);
    return { result: { event: toPublic(event), deliveries }, body: event.body };
  }

  /**
   * One transaction for the whole group. Invalid input is rejected by build() before anything is
   * written, so the fast path needs no savepoints; if a write itself fails (rare), the group is
   * rolled back and redone with one savepoint per event, so only the bad one fails.
   */
  private flushGroup(): void {
    const batch = this.group;
    this.group = [];
    let out!: (Written | Error)[];
    try {
      const ids = new Set<string>();
      this.transact(() => (out = batch.map((item) => this.tryBuild(item.input, ids)).map((e) => (e instanceof Error ? e : this.writeNew(e)))));
    } catch {
      try {
        this.transact(() => (out = batch.map((item) => this.isolated(item.input))));
      } catch (err) {
        for (const item of batch) item.reject(err);
        return;
      }
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

/** ISO-8601 date and time with a zone, e.g. 2024-12-25T10:30:00Z or 2024-12-25T10:30:00.123+02:00, and a real date. */
export function isIsoDateTime(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/i.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, sec = '0', zh = '0', zm = '0'] = m;
  const day = new Date(0);
  day.setUTCFullYear(+y, +mo - 1, +d); // not Date.UTC: it maps years 0-99 to 1900-1999
  return day.getUTCFullYear() === +y && day.getUTCMonth() === +mo - 1 && day.getUTCDate() === +d && +h < 24 && +mi < 60 && +sec < 60 && +zh < 24 && +zm < 60;
}
