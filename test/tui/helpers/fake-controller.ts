// A ListenController that records every intent, for component and effect tests.
import type { ListenController } from '../../../src/relay/listen-events.js';

export type Call = { fn: string; args: unknown[] };

export interface FakeController extends ListenController {
  calls: Call[];
  history: Map<string, { id: string; type: string; body: string }>;
  searchHits: Array<{ id: string; type: string; created: string; status: number | null }>;
  failedCount: number;
}

export function fakeController(): FakeController {
  const calls: Call[] = [];
  const rec = (fn: string, ...args: unknown[]) => calls.push({ fn, args });
  const c: FakeController = {
    calls,
    history: new Map(),
    searchHits: [],
    failedCount: 0,
    async replay(id) {
      rec('replay', id);
    },
    async replayFailed() {
      rec('replayFailed');
      return c.failedCount;
    },
    async replayBody(id, body) {
      rec('replayBody', id, body);
    },
    setPaused(p) {
      rec('setPaused', p);
    },
    async findEvent(id) {
      rec('findEvent', id);
      return c.history.get(id) ?? null;
    },
    async search(q, limit) {
      rec('search', q, limit);
      return c.searchHits;
    },
    async stop() {
      rec('stop');
    },
  };
  return c;
}
