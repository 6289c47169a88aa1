// Ingested requests in the TUI: the ingest URL in the header, raw header pairs and a hex body in details.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { Header } from '../../src/tui/components/header.js';
import { detailLines } from '../../src/tui/details-lines.js';
import type { ListenEvent } from '../../src/relay/listen-events.js';
import { fromMsg, displayBody, viewOf as ingestView } from '../../src/relay/ingest-item.js';
import { renderTui } from './helpers/render-tui.js';
import { ready, T0 } from './helpers/events.js';
import { viewOf } from './helpers/view.js';

afterEach(() => cleanup());

const INGEST_URL = 'https://relay.example.com/in/abcdefghijklmnopqrstuvwxyz';

function ingested(body: Buffer, headers: Array<[string, string]>): ListenEvent[] {
  const item = fromMsg({ t: 'ingest', seq: 1, id: 'req_1', channel_id: 'ich_1', method: 'PUT', path: '/gh', query: 'a=1', headers, body: body.toString('base64'), received_at: '2026-01-02T10:30:00.000Z', remote_addr: '10.0.0.7', type: null, event_id: null });
  return [
    { kind: 'event', id: 'req_1', seq: 1, type: 'ingest', created: item.receivedAt, body: displayBody(item), receivedAt: T0, ingest: ingestView(item) },
    { kind: 'attempt', eventId: 'req_1', attemptId: 'a1', url: 'http://127.0.0.1:3000/gh?a=1', requestHeaders: { 'x-dup': '1, 2' }, body: displayBody(item), replay: false, at: T0 + 1, method: 'PUT' },
  ];
}

describe('ingested requests in the TUI', () => {
  it('shows the ingest URL first on the routes line', () => {
    const f = renderTui(<Header view={viewOf([ready({ ingestUrl: INGEST_URL, events: [] })], { cols: 160, rows: 24 })} />).lastFrame()!;
    expect(f).toContain(`ingest ${INGEST_URL} → 127.0.0.1:3000/webhooks/pro-pitbox`);
  });

  it('details: request line, every header pair in order with duplicates, a hex dump for binary, the method of the attempt', () => {
    const view = viewOf([ready(), ...ingested(Buffer.from([0x1f, 0x8b, 0, 0xff, 0x41]), [['X-Dup', '1'], ['X-Dup', '2'], ['Content-Encoding', 'gzip']])]);
    const text = detailLines(view.rows.get('req_1')!, 100).map((l) => l.text).join('\n');
    expect(text).toContain('Received from 10.0.0.7 (ingest ich_1): PUT /gh?a=1');
    expect(text).toMatch(/X-Dup: 1\n\s+X-Dup: 2\n\s+Content-Encoding: gzip/);
    expect(text).toContain('Body (binary: hex)');
    expect(text).toContain('00000000  1f 8b 00 ff 41');
    expect(text).toMatch(/PUT 127\.0\.0\.1:3000\/gh\?a=1/);
  });
});
