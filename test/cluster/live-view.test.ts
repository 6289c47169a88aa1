// Several nodes, one live view: the dashboard's stream on one node shows what another node accepted
// and delivered (the other node announces it once it knows a live view is open somewhere), for the
// stream's own key; on the watching node they arrive marked remote, so serve's log does not repeat them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgNotifier } from '../../src/server/store/pg/notifier.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { freshSchema, pgAvailable, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { openStream } from '../helpers/sse.js';
import { waitFor } from '../helpers/wait-for.js';

describe.skipIf(!pgAvailable())('live view across nodes (PostgreSQL)', () => {
  let schema: TestSchema;
  let n1: TestEmulator;
  let n2: TestEmulator;
  let rx: Receiver;
  beforeAll(async () => {
    schema = await freshSchema();
    rx = await startReceiver();
    n1 = await startTestEmulator({ databaseUrl: schema.url, databaseSchema: schema.schema });
    n2 = await startTestEmulator({ databaseUrl: schema.url, databaseSchema: schema.schema });
  });
  afterAll(async () => {
    await n1?.close();
    await n2?.close();
    await rx?.close();
    await schema?.drop();
  });

  it("shows on one node's stream the events and deliveries another node handled", async () => {
    await n1.api('POST', '/v1/webhooks', { url: `${rx.url}/hook`, events: ['*'] });
    const remote: string[] = [];
    n2.emulator.bus.on('delivery.updated', (d, _owner, isRemote) => isRemote && remote.push(d.id));
    const stream = await openStream(`${n2.url}/v1/stream`, n2.apiKey);
    const text = () => stream.text();
    await waitFor(() => text().includes('event: ready'));
    // Node 1 learns (within its 2 s presence check) that node 2 has a live view open.
    await waitFor(() => (n1.emulator.store.notifier as PgNotifier).othersWatching, { what: 'node 1 to see the live view on node 2' });
    const sent = await n1.api('POST', '/v1/events', { type: 'vehicle.created' });
    const id = sent.body.event.id as string;
    await waitFor(() => text().includes(`"id":"${id}"`) && /"status":"succeeded"/.test(text()), { what: "node 1's event and its delivery on node 2's stream" });
    await stream.close();
    expect(text()).toContain('event: event.created');
    expect(text()).toContain('event: delivery.updated');
    // serve's log on node 2 skips these: they are node 1's attempts.
    expect(remote.length).toBeGreaterThan(0);
  });
});
