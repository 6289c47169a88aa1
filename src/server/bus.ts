// In-process notifications about emulator state, for live views (the dashboard's SSE stream, the TUI).
// Emitted after the change is committed to the database.
import { EventEmitter } from 'node:events';
import type { Delivery, Endpoint, WebhookEvent } from '../contract/v1.js';

export interface EmulatorBusEvents {
  'event.created': [event: WebhookEvent];
  /** After each attempt or status change. */
  'delivery.updated': [delivery: Delivery];
  /** Created, updated, enabled/disabled, rotated or deleted (then `deleted: true`). */
  'endpoint.changed': [endpoint: Endpoint & { deleted?: boolean }];
}

export class EmulatorBus extends EventEmitter<EmulatorBusEvents> {
  constructor() {
    super();
    // Every open dashboard tab subscribes; do not warn at 10.
    this.setMaxListeners(0);
  }
}
