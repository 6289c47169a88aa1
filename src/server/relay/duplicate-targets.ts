// A running forwarder and an endpoint on the same URL deliver every event to the app twice, one of them
// signed with a secret the app does not use (and retried for an hour). The forwarder's screen is where
// the user looks, so the relay tells its client: when it connects, and when such an endpoint appears.
import { duplicateTargetMessage, sameReceiver } from '../../domain/same-url.js';
import type { EmulatorBus, EmulatorBusEvents } from '../bus.js';
import type { EndpointsStore, SessionRow } from '../store/store.js';
import type { RelayHub } from './hub.js';

/** Notices for a client connecting to `session`: every enabled endpoint of its owner on one of its targets. */
export async function duplicateNotices(endpoints: EndpointsStore, session: SessionRow): Promise<string[]> {
  if (!session.targets.length) return [];
  const enabled = await endpoints.enabled(session.owner);
  return enabled.flatMap((e) => (session.targets.some((t) => sameReceiver(t, e.url)) ? [duplicateTargetMessage(e.id, e.url, session.id)] : []));
}

/** Tell connected clients about an endpoint created (or enabled, or moved) onto their target. Returns the unsubscribe. */
export function watchDuplicateTargets(bus: EmulatorBus, hub: RelayHub): () => void {
  const onChange = (e: EmulatorBusEvents['endpoint.changed'][0], owner: string) => {
    if (e.deleted || e.status !== 'enabled') return;
    for (const s of hub.connected()) {
      if (s.session.owner === owner && s.session.targets.some((t) => sameReceiver(t, e.url))) hub.notice(s.sessionId, 'duplicate_target', duplicateTargetMessage(e.id, e.url, s.sessionId));
    }
  };
  bus.on('endpoint.changed', onChange);
  return () => bus.off('endpoint.changed', onChange);
}
