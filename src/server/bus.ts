// In-process notifications about emulator state, for live views (the dashboard's SSE stream, the TUI).
// Emitted after the change is committed to the database, with the owner (API key id) of what changed:
// a live view shows its own key's changes only.
import { EventEmitter } from 'node:events';
import type { Delivery, Endpoint, WebhookEvent } from '../contract/v1.js';

export interface EmulatorBusEvents {
  'event.created': [event: WebhookEvent, owner: string];
  /** After each attempt or status change. */
  'delivery.updated': [delivery: Delivery, owner: string];
  /** Created, updated, enabled/disabled, rotated or deleted (then `deleted: true`). */
  'endpoint.changed': [endpoint: Endpoint & { deleted?: boolean }, owner: string];
}

export class EmulatorBus extends EventEmitter<EmulatorBusEvents> {
  constructor() {
    super();
    // Every open dashboard tab subscribes; do not warn at 10.
    this.setMaxListeners(0);
  }
}
