// In-process notifications about emulator state, for live views (the dashboard's SSE stream, the TUI)
// and `serve`'s log. Emitted after the change is committed to the database, with the owner (API key id)
// of what changed: a live view shows its own key's changes only. With several nodes (a shared store)
// the bus is linked to the store's notifier: what changes here is announced to the nodes that have a
// live view open, and what changed there arrives here marked `remote` (serve logs only its own).
import { EventEmitter } from 'node:events';
import type { Delivery, Endpoint, WebhookEvent } from '../contract/v1.js';
import type { BusMessage, Notifier } from './store/store.js';

export interface EmulatorBusEvents {
  'event.created': [event: WebhookEvent, owner: string, remote?: true];
  /** After each attempt or status change. */
  'delivery.updated': [delivery: Delivery, owner: string, remote?: true];
  /** Created, updated, enabled/disabled, rotated or deleted (then `deleted: true`). */
  'endpoint.changed': [endpoint: Endpoint & { deleted?: boolean }, owner: string, remote?: true];
}

/** Reads what a message from another node names, as this node's live views want it (undefined: gone). */
export type BusFetch = (msg: BusMessage) => Promise<EmulatorBusEvents[BusMessage['kind']][0] | undefined>;

export class EmulatorBus extends EventEmitter<EmulatorBusEvents> {
  private notifier: Notifier | null = null;

  constructor() {
    super();
    // Every open dashboard tab subscribes; do not warn at 10.
    this.setMaxListeners(0);
  }

  /** Share changes with the other nodes of a shared store; returns the unlink. */
  link(notifier: Notifier, fetch: BusFetch): () => void {
    this.notifier = notifier;
    const onRemote = (msg: BusMessage) => {
      if (this.listenerCount(msg.kind) === 0) return;
      void fetch(msg).then(
        (obj) => obj && (this.emit as (k: string, ...a: unknown[]) => boolean)(msg.kind, obj, msg.owner, true),
        () => undefined,
      );
    };
    notifier.on('bus', onRemote);
    return () => {
      notifier.off('bus', onRemote);
      this.notifier = null;
    };
  }

  /** Someone watches `kind`: a listener here, or a live view on another node. */
  wants(kind: keyof EmulatorBusEvents): boolean {
    return this.listenerCount(kind) > 0 || this.notifier?.othersWatching === true;
  }

  override emit<K extends keyof EmulatorBusEvents>(event: K, ...args: EmulatorBusEvents[K]): boolean {
    const [obj, owner, remote] = args as unknown as [{ id: string; deleted?: boolean }, string, true | undefined];
    if (this.notifier && !remote) this.notifier.publish('bus', { owner, kind: event, id: obj.id, ...(obj.deleted ? { deleted: true } : {}) });
    return super.emit(event, ...(args as never));
  }
}
