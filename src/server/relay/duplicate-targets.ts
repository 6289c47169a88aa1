// A running forwarder and an endpoint on the same URL deliver every event to the app twice, one of them
// signed with a secret the app does not use (and retried for an hour). The forwarder's screen is where
// the user looks, so the relay tells its client: when it connects, and when such an endpoint appears.
import { duplicateTargetMessage, sameReceiver } from '../../domain/same-url.js';
import type { EmulatorBus, EmulatorBusEvents } from '../bus.js';
import type { EndpointStore } from '../store/endpoints.js';
import type { RelayHub } from './hub.js';
import type { SessionStore } from './session-store.js';

function targets(sessions: SessionStore, sessionId: string): string[] {
  const t = sessions.get(sessionId)?.targets;
  return t ? (JSON.parse(t) as string[]) : [];
}

/** Notices for a client connecting to `sessionId`: every enabled endpoint on one of its targets. */
export function duplicateNotices(sessions: SessionStore, endpoints: EndpointStore, sessionId: string): string[] {
  const mine = targets(sessions, sessionId);
  return endpoints.enabled().flatMap((e) => (mine.some((t) => sameReceiver(t, e.url)) ? [duplicateTargetMessage(e.id, e.url, sessionId)] : []));
}

/** Tell connected clients about an endpoint created (or enabled, or moved) onto their target. Returns the unsubscribe. */
export function watchDuplicateTargets(bus: EmulatorBus, sessions: SessionStore, hub: RelayHub): () => void {
  const onChange = (e: EmulatorBusEvents['endpoint.changed'][0]) => {
    if (e.deleted || e.status !== 'enabled') return;
    for (const id of hub.connectedIds()) if (targets(sessions, id).some((t) => sameReceiver(t, e.url))) hub.notice(id, 'duplicate_target', duplicateTargetMessage(e.id, e.url, id));
  };
  bus.on('endpoint.changed', onChange);
  return () => bus.off('endpoint.changed', onChange);
}
