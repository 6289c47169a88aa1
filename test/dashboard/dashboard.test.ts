// The dashboard in a real browser (playwright-core + Debian's chromium) against a real emulator on
// port 0 and a real receiver: login, add an endpoint, send a test event, watch a failing delivery
// retry live, retry it by hand. Waits on selectors and conditions only. Screenshots go to
// test-artifacts/dashboard/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { Endpoint, List, WebhookEvent } from '../../src/contract/v1.js';
import { startTestEmulator, TEST_API_KEY as KEY, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { CHROMIUM, HAS_CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { isolatedEnv, runCli } from '../helpers/run-cli.js';

if (!HAS_CHROMIUM) console.warn(`\n⚠ SKIPPED the dashboard browser test: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)\n`);

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/dashboard/', import.meta.url));

describe.skipIf(!HAS_CHROMIUM)('dashboard in a browser', () => {
  let emu: TestEmulator;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let endpointId = '';
  const pageErrors: string[] = [];
  // The receiver's behaviour, switched by the test: 200, or 500 (optionally held at a gate).
  let failing = false;
  let failures = 0;
  let openGate: () => void = () => {};
  let gate: Promise<void> | null = null;

  const api = <T,>(method: string, path: string, body?: unknown) => emu.api<T>(method, path, body);
  const shot = (name: string, fullPage = true) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
  const row = (deliveryId: string) => page.locator(`tr[data-delivery-id="${deliveryId}"]`);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'propitbox-dash-ui-'));
    receiver = await startReceiver(async () => {
      if (!failing) return { status: 200, body: 'OK' };
      failures++;
      if (failures >= 2 && gate) await gate; // hold the 2nd attempt so its "retry" state can be seen
      return { status: 500, body: 'boom: receiver down' };
    });
    [emu, browser] = await Promise.all([
      startTestEmulator({ dataDir, retrySchedule: [300, 300, 300, 300, 300] }),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    openGate();
    await browser?.close();
    await emu?.close();
    await receiver?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('asks for the API key and shows the API’s own message for a wrong one', async () => {
    await page.goto(emu.url);
    await page.getByLabel('API key').fill('ppk_test_wrong');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expectText(page.getByRole('alert'), /Invalid API key/);
    await shot('login');
    await page.getByLabel('API key').fill(KEY);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.locator('[data-stream-state="live"]').waitFor();
  });

  it('adds an endpoint through the form, with inline API errors; the API and the CLI list the same endpoint', async () => {
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill('ftp://127.0.0.1/hook');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const apiError = await api<{ error: { message: string } }>('POST', '/v1/webhooks', { url: 'ftp://127.0.0.1/hook', events: ['*'] });
    await expectText(page.locator('#endpoint-url-error'), apiError.body.error.message);

    const url = `${receiver.url}/webhooks/pro-pitbox`;
    await page.getByLabel('Endpoint URL').fill(url);
    await page.getByLabel('Description (optional)').fill('Created in the dashboard');
    await page.locator('input[name="events"][value="*"]').uncheck();
    await page.locator('input[name="events"][value="vehicle.*"]').check();
    await page.locator('input[name="events"][value="maintenance.task.*"]').check();
    // At 1280x800 the submit button is on screen without scrolling (the picker is long).
    await page.evaluate(() => window.scrollTo(0, 0));
    const submit = (await page.getByRole('button', { name: 'Add endpoint' }).boundingBox())!;
    expect(submit.y + submit.height).toBeLessThanOrEqual(800);
    await shot('add-endpoint');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('heading', { name: url, level: 1 }).waitFor();
    endpointId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    expect(endpointId).toMatch(/^we_/);

    const listed = await api<List<Endpoint>>('GET', '/v1/webhooks');
    expect(listed.body.data).toEqual([expect.objectContaining({ id: endpointId, url, events: ['vehicle.*', 'maintenance.task.*'], description: 'Created in the dashboard', status: 'enabled' })]);
    const cli = await runCli(['webhooks', 'list', '--json'], { env: isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: KEY }) });
    expect(cli.code, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as List<Endpoint>).data.map((e) => [e.id, e.url])).toEqual([[endpointId, url]]);
  });

  it('reveals the signing secret only when asked', async () => {
    await expect(page.getByTestId('signing-secret').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    const { secret } = (await api<{ secret: string }>('GET', `/v1/webhooks/${endpointId}/secret`)).body;
    await expectText(page.getByTestId('signing-secret'), secret);
    await shot('endpoint');
    await page.getByRole('button', { name: 'Hide secret' }).click();
  });

  it('sends a test event and shows the 200 with its request headers and payload in Event Logs', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Send test event' }).click();
    await page.getByLabel('Event type').selectOption('vehicle.updated');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const result = page.getByRole('region', { name: 'Test result' });
    await result.locator('li[data-status="succeeded"]').waitFor();
    await expectText(result.locator('.outcome'), '200');
    await shot('send-test-event');
    // The data is the CLI's fixture (what `propitbox trigger vehicle.updated` sends), freshly rendered.
    const received = JSON.parse(receiver.requests[0].body) as WebhookEvent;
    expect(received.type).toBe('vehicle.updated');
    expect(received.data).toMatchObject({ updated_fields: ['status', 'battery'], previous: { battery: '3S LiPo 5000mAh' }, vehicle: { id: expect.stringMatching(/^veh_/) } });
    expect(JSON.stringify(received.data)).not.toContain('{{');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Event logs' }).click();
    const [delivery] = (await api<List<{ id: string; event_id: string }>>('GET', `/v1/deliveries?endpoint_id=${endpointId}`)).body.data;
    await row(delivery.id).locator('td.outcome', { hasText: '200' }).waitFor();
    await row(delivery.id).getByRole('link', { name: /Details/ }).click();
    const detail = page.locator(`[data-delivery-detail="${delivery.id}"]`);
    await expectText(detail.getByTestId('last-response'), '200');
    await expectText(detail.getByLabel('Event payload'), delivery.event_id);
    await detail.getByText('Request headers').first().click();
    await detail.getByRole('rowheader', { name: 'x-propitbox-signature' }).waitFor();
    expect(receiver.requests).toHaveLength(1);
  });

  it('shows a failing delivery live (500, scheduled retry, failed after 6 attempts) and Retry turns it to 200', async () => {
    failing = true;
    gate = new Promise((resolve) => (openGate = resolve));
    // Sent like the CLI would, while the Event Logs page stays open: it must appear without a reload.
    const sent = await api<{ deliveries: { id: string }[] }>('POST', `/v1/webhooks/${endpointId}/test`, { type: 'vehicle.created' });
    const id = sent.body.deliveries[0].id;
    await row(id).waitFor();
    await page.goto(`${emu.url}/#/logs/${id}`); // the detail view (same as clicking Details)
    const detail = page.locator(`[data-delivery-detail="${id}"]`);
    // The 2nd attempt is held at the receiver: pending, one 500 recorded, retry due.
    await detail.locator('li[data-attempt="1"]', { hasText: 'HTTP 500' }).waitFor();
    await expectText(detail.getByTestId('next-retry'), /now|in \d+ s/);
    await expectText(row(id).locator('.badge'), 'pending');
    await shot('event-logs-retrying');
    openGate();

    await page.locator(`tr[data-delivery-id="${id}"][data-status="failed"]`).waitFor();
    await detail.locator('li[data-attempt="6"]', { hasText: 'HTTP 500' }).waitFor();
    await expectText(detail.getByLabel('Response body of attempt 6'), 'boom: receiver down');
    await expectText(detail.getByTestId('next-retry'), '—');

    failing = false;
    await row(id).getByRole('button', { name: `Retry delivery ${id}` }).click();
    await page.locator(`tr[data-delivery-id="${id}"][data-status="succeeded"]`).waitFor();
    await detail.locator('li[data-attempt="7"]', { hasText: 'HTTP 200' }).waitFor();
    await expectText(detail.locator('li[data-attempt="7"] h4'), '(manual)');
    await expectText(row(id).locator('td.outcome'), '200');
    await shot('event-logs'); // the README's screenshot

    const final = await api<{ status: string; attempt_count: number; last_status_code: number }>('GET', `/v1/deliveries/${id}`);
    expect(final.body).toMatchObject({ status: 'succeeded', attempt_count: 7, last_status_code: 200 });
  });

  it('filters Event Logs by status and type', async () => {
    await page.goto(`${emu.url}/#/logs`);
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByLabel('Event type').selectOption('vehicle.created');
    await page.waitForFunction(() => location.hash.includes('status=succeeded') && location.hash.includes('type=vehicle.created'));
    // Wait until the table shows only matching rows (the old, unfiltered table may still be up).
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll("tbody tr[data-delivery-id]"));
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-status') === 'succeeded' && r.querySelector('td:nth-child(2) code')?.textContent === 'vehicle.created');
    });
    const all = (await api<List<{ event_type: string; status: string }>>('GET', '/v1/deliveries')).body.data;
    const expected = all.filter((d) => d.event_type === 'vehicle.created' && d.status === 'succeeded').length;
    expect(expected).toBeLessThan(all.length); // the filter has something to leave out
    await page.waitForFunction((n) => document.querySelectorAll('tbody tr[data-delivery-id]').length === n, expected);
  });

  it('shows an endpoint created elsewhere (API, as the CLI does) without a reload', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.locator(`tr[data-endpoint-id="${endpointId}"]`).waitFor();
    const cliUrl = `${receiver.url}/from-the-cli`;
    const created = (await api<Endpoint>('POST', '/v1/webhooks', { url: cliUrl, events: ['parts.*'] })).body;
    await page.locator(`tr[data-endpoint-id="${created.id}"]`, { hasText: cliUrl }).waitFor();
    await shot('webhooks');
  });

  it('disables, edits and deletes an endpoint; the API agrees at each step', async () => {
    const cliUrl = `${receiver.url}/from-the-cli`;
    const [ep] = (await api<List<Endpoint>>('GET', '/v1/webhooks')).body.data.filter((e) => e.url === cliUrl);
    const rowOf = page.locator(`tr[data-endpoint-id="${ep.id}"]`);
    await rowOf.getByRole('button', { name: `Disable ${cliUrl}` }).click();
    await rowOf.locator('.badge', { hasText: 'disabled' }).waitFor();
    expect((await api<Endpoint>('GET', `/v1/webhooks/${ep.id}`)).body.status).toBe('disabled');

    await rowOf.getByRole('link', { name: cliUrl }).click();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Description (optional)').fill('Edited in the dashboard');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Edited in the dashboard').waitFor();
    expect((await api<Endpoint>('GET', `/v1/webhooks/${ep.id}`)).body.description).toBe('Edited in the dashboard');

    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByRole('button', { name: 'Delete permanently' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.locator(`tr[data-endpoint-id="${ep.id}"]`).waitFor({ state: 'detached' });
    expect((await api('GET', `/v1/webhooks/${ep.id}`)).status).toBe(404);
  });

  it('works from the keyboard with a visible focus, and on a narrow window', async () => {
    await page.goto(`${emu.url}/#/webhooks`);
    await page.reload(); // a fresh document: focus starts at the top
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { text: el.textContent, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused).toEqual({ text: 'Webhooks', outline: 'solid' });
    await page.keyboard.press('Enter');

    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${emu.url}/#/logs`);
    await page.locator('tbody tr').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('event-logs-narrow');
    expect(pageErrors).toEqual([]);
  });
});

/** Wait until the locator's text contains (or matches) `expected`. */
async function expectText(locator: import('playwright-core').Locator, expected: string | RegExp): Promise<void> {
  await locator.first().waitFor();
  const ok = typeof expected === 'string' ? (t: string) => t.includes(expected) : (t: string) => expected.test(t);
  const deadline = Date.now() + 15_000;
  let text = '';
  // Poll the DOM (live updates change it); playwright-core has no web-first assertions.
  for (;;) {
    text = (await locator.first().textContent()) ?? '';
    if (ok(text)) return;
    if (Date.now() > deadline) throw new Error(`expected ${String(expected)} in "${text}"`);
    await locator.page().waitForTimeout(50);
  }
}
