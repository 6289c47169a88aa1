// `data` for a test event when the caller sends only a type (the dashboard's "Send Test Event",
// `POST /v1/webhooks/:id/test {type}`): the same bundled fixtures `propitbox trigger` sends, with
// fresh ids and times each call.
import { eventBuilder } from '../fixtures/build.js';

const builders = new Map<string, ReturnType<typeof eventBuilder>>();

export function sampleData(type: string, now = Date.now()): Record<string, unknown> {
  let b = builders.get(type);
  if (!b) builders.set(type, (b = eventBuilder({ type, now })));
  return b.build(now).data;
}
