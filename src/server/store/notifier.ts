// The in-process notifier: what the SQLite store uses as is (one node), and what the PostgreSQL
// notifier builds on (it adds LISTEN/NOTIFY between nodes).
import { EventEmitter } from 'node:events';
import type { Notifier, NotifierEvents } from './store.js';

export class LocalNotifier implements Notifier {
  protected readonly emitter = new EventEmitter();

  constructor() {
    // Every socket and stream may listen; do not warn at 10.
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof NotifierEvents>(event: K, listener: (...args: NotifierEvents[K]) => void): void {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
  }

  off<K extends keyof NotifierEvents>(event: K, listener: (...args: NotifierEvents[K]) => void): void {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
  }

  /** `bus` messages are for other nodes only (this node's changes reach its own bus directly). */
  publish<K extends keyof NotifierEvents>(event: K, ...args: NotifierEvents[K]): void {
    if (event !== 'bus') this.emit(event, ...args);
  }

  /** Tell local listeners; one that throws must not stop the others or the caller. */
  protected emit<K extends keyof NotifierEvents>(event: K, ...args: NotifierEvents[K]): void {
    for (const l of this.emitter.listeners(event)) {
      try {
        (l as (...a: unknown[]) => void)(...args);
      } catch {
        /* a listener's own failure */
      }
    }
  }
}
