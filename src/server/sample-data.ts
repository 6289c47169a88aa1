// `data` for a test event when the caller sends only a type (the dashboard's "Send Test Event",
// `POST /v1/webhooks/:id/test {type}`): the same bundled fixtures `propitbox trigger` sends, with
// fresh ids and times each call.
import { isEventType } from '../domain/event-types.js';
import { eventBuilder } from '../fixtures/build.js';
import { unknownEventType } from './errors.js';

const builders = new Map<string, ReturnType<typeof eventBuilder>>();

/** Throws the API's 400 for anything but an exact known type (a wildcard has no fixture). */
export function sampleData(type: string, now = Date.now()): Record<string, unknown> {
  // Checked here, before any fixture is looked up: an unknown type is the caller's mistake, not a 500.
  if (!isEventType(type)) throw unknownEventType(type);
  let b = builders.get(type);
  if (!b) builders.set(type, (b = eventBuilder({ type, now })));
  return b.build(now).data;
}
