// The delivery chart in a real browser (Debian's chromium through playwright-core) at 1280x800, on a
// real emulator with real receivers: the canvas shows one bar per bucket with attempts (counted in its
// pixels), new attempts arrive over the live stream, hover gives the numbers, a click opens the Event
// Logs for that bucket. The screenshot is the README's (test-artifacts/dashboard/delivery-chart.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { Stats } from '../../src/contract/stats.js';
import type { Delivery, List } from '../../src/contract/v1.js';
import { applyAttempt } from '../../src/server/store/deliveries.js';
import { startTestEmulator, TEST_API_KEY as KEY, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { CHROMIUM, HAS_CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { waitFor } from '../helpers/wait-for.js';

if (!HAS_CHROMIUM) console.warn(`\n⚠ SKIPPED the delivery chart browser test: ${CHROMIUM} is missing (apt-get install -y chromium)\n`);
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/dashboard/', import.meta.url));
const MIN = 60_000;

describe.skipIf(!HAS_CHROMIUM)('delivery chart in a browser', () => {
  let emu: TestEmulator;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let endpointId = '';
  const pageErrors: string[] = [];
  // The receiver fails the first FAIL_FIRST requests of the live burst, then answers 200.
  const FAIL_FIRST = 3;
  let failuresLeft = 0;

  const stats = async (q: string) => (await emu.api<Stats>('GET', `/v1/stats?${q}`)).body;

  /** Bars actually drawn: runs of painted pixels along a row just above the x axis, wider than a point marker. */
  const barsOnCanvas = (scope: string) =>
    page.evaluate((sel) => {
      const root = document.querySelector(sel)!;
      const canvas = root.querySelector('canvas')!;
      const over = root.querySelector<HTMLElement>('.u-over')!;
      const ratio = canvas.width / canvas.clientWidth;
      const y = Math.round((over.offsetTop + over.offsetHeight - 2) * ratio);
      const x0 = Math.round(over.offsetLeft * ratio);
      const width = Math.round(over.offsetWidth * ratio);
      const row = canvas.getContext('2d')!.getImageData(x0, y, width, 1).data;
      let runs = 0;
      let run = 0;
      for (let x = 0; x <= width; x++) {
        const painted = x < width && row[x * 4 + 3] > 0;
        if (painted) run++;
        else {
          if (run >= 8 * ratio) runs++;
          run = 0;
        }
      }
      return runs;
    }, scope);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'propitbox-chart-ui-'));
    receiver = await startReceiver(() => (failuresLeft-- > 0 ? { status: 500, body: 'boom' } : { status: 200, body: 'OK' }));
    [emu, browser] = await Promise.all([
      startTestEmulator({ dataDir, retrySchedule: [150, 150] }),
      launchChromium(),
    ]);
    endpointId = (await emu.api('POST', '/v1/webhooks', { url: `${receiver.url}/hook`, events: ['vehicle.*'], description: 'Chart test' })).body.id;
    // History: attempts 10, 7, 5 and 2 minutes ago, each in its own minute, recorded through the
    // delivery store as the engine would (retried 500s followed by a 200, and one final failure).
    const now = Date.now();
    const store = emu.emulator.context.sqlite.deliveryStore;
    const at = (ms: number) => new Date(ms).toISOString();
    const attempt = (t: number, status: number, duration: number) => ({ started_at: at(t), duration_ms: duration, status_code: status, error: null, request_headers: {}, response_headers: {}, response_body: '', manual: false });
    // Per minute, its deliveries, each a run of attempt codes: failures retried, the last one final.
    const history: Array<[minutesAgo: number, deliveries: number[][]]> = [
      [10, [[200], [200]]],
      [7, [[500, 200]]],
      [5, [[200], [500, 500, 500]]],
      [2, [[200], [200], [200]]],
    ];
    for (const [ago, deliveries] of history) {
      // The middle of its minute, so every attempt stays in one bucket.
      let t = Math.floor((now - ago * MIN) / MIN) * MIN + 20_000;
      for (const [n, codes] of deliveries.entries()) {
        let d = store.createForEndpoint({ id: `evt_hist_${ago}_${n}`, type: 'vehicle.created' }, { id: endpointId, url: `${receiver.url}/hook` });
        codes.forEach((code, i) => {
          const last = i === codes.length - 1;
          const r = applyAttempt(d, attempt((t += 100), code, 80 + 40 * i), code === 200 ? 'succeeded' : 'failed', last ? null : t + 100);
          store.recordResults([r]);
          d = r.row;
        });
      }
    }
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(emu.url);
    await page.getByLabel('API key').fill(KEY);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-stream-state="live"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await emu?.close();
    await receiver?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const chart = '.health .chart';

  it('draws one bar per minute with attempts over the last hour, and the window totals', async () => {
    const s = await stats('window=1h');
    const expected = s.buckets.filter((b) => b.attempts > 0).length;
    expect(expected).toBe(4);
    await page.locator(`${chart}[data-buckets="60"][data-bars="${expected}"]`).waitFor();
    await waitFor(async () => (await barsOnCanvas(chart)) === expected, { what: `${expected} bars on the canvas` });
    const readout = page.getByTestId('chart-readout');
    expect(await readout.textContent()).toBe(`Last 1h: 11 attempts: 7 delivered, 3 retried, 1 failed · p50 ${s.total.p50_ms} ms · p95 ${s.total.p95_ms} ms · max ${s.total.max_ms} ms`);
  });

  it('adds the live burst over the stream (receiver failing the first N) without a reload', async () => {
    failuresLeft = FAIL_FIRST;
    await Promise.all(Array.from({ length: 5 }, () => emu.api('POST', '/v1/events', { type: 'vehicle.updated' })));
    // 5 deliveries; each of the 3 failures was retried once: 8 attempts in the newest bucket.
    await waitFor(async () => (await stats('window=1h')).total.attempts === 11 + 8, { what: 'the burst in /v1/stats' });
    const s = await stats('window=1h');
    const newest = s.buckets.findLast((b) => b.attempts > 0)!;
    expect(newest).toMatchObject({ attempts: 8, delivered: 5, retried: 3, failed: 0 });
    await page.locator(`${chart}[data-bars="5"]`).waitFor();
    await waitFor(async () => (await barsOnCanvas(chart)) === 5, { what: '5 bars on the canvas' });
    await page.getByTestId('chart-readout').filter({ hasText: 'Last 1h: 19 attempts: 12 delivered, 6 retried, 1 failed' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'delivery-chart.png') });
  });

  it('shows a bucket’s numbers on hover, and a click opens the Event Logs for that bucket', async () => {
    const s = await stats('window=1h');
    const i = s.buckets.findLastIndex((b) => b.attempts > 0);
    const b = s.buckets[i];
    const box = (await page.locator(`${chart} .u-over`).boundingBox())!;
    // The middle of bucket i; bars are centred on their bucket.
    const x = box.x + ((Date.parse(b.start) + s.bucket_ms / 2 - Date.parse(s.from)) / (Date.parse(s.to) - Date.parse(s.from))) * box.width;
    await page.mouse.move(x, box.y + box.height - 5);
    await page.getByTestId('chart-readout').filter({ hasText: `8 attempts: 5 delivered, 3 retried, 0 failed` }).waitFor();
    await page.mouse.click(x, box.y + box.height - 5);
    await page.waitForFunction(() => location.hash.startsWith('#/logs?') && location.hash.includes('from='));
    const hash = new URLSearchParams((await page.evaluate(() => location.hash)).split('?')[1]);
    expect([hash.get('from'), hash.get('to')]).toEqual([b.start, b.end]);
    await page.getByTestId('time-range').waitFor();
    const inBucket = (await emu.api<List<Delivery>>('GET', `/v1/deliveries?attempted_from=${b.start}&attempted_to=${b.end}`)).body.data;
    expect(inBucket).toHaveLength(5);
    await page.waitForFunction((ids) => {
      const rows = Array.from(document.querySelectorAll('tbody tr[data-delivery-id]')).map((r) => r.getAttribute('data-delivery-id'));
      return rows.length === ids.length && ids.every((id) => rows.includes(id));
    }, inBucket.map((d) => d.id));
    await page.getByRole('button', { name: 'Clear the time range' }).click();
    await page.waitForFunction(() => location.hash === '#/logs');
  });

  it('changes the window (15 min, 24 h) and has its own chart on the endpoint page', async () => {
    await page.goto(`${emu.url}/#/webhooks/${endpointId}`);
    await page.getByRole('heading', { name: 'Delivery health' }).waitFor();
    await page.getByText('15 min', { exact: true }).click();
    const quarter = await stats(`window=15m&endpoint=${endpointId}`);
    const bars15 = quarter.buckets.filter((b) => b.attempts > 0).length;
    await page.locator(`${chart}[data-buckets="60"][data-bars="${bars15}"]`).waitFor();
    await waitFor(async () => (await barsOnCanvas(chart)) === bars15, { what: `${bars15} bars at 15 min` });
    await page.getByText('24 h', { exact: true }).click();
    const day = await stats(`window=24h&endpoint=${endpointId}`);
    const barsDay = day.buckets.filter((b) => b.attempts > 0).length;
    await page.locator(`${chart}[data-buckets="48"][data-bars="${barsDay}"]`).waitFor();
    await waitFor(async () => (await barsOnCanvas(chart)) === barsDay, { what: `${barsDay} bars at 24 h` });
    // The same numbers as a table, with links to the Event Logs.
    await page.getByText('Show as a table').click();
    expect(await page.locator('.chart-table tbody tr').count()).toBe(barsDay);
    expect(pageErrors).toEqual([]);
  });
});
