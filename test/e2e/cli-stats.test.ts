// `propitbox stats` as a child process against a real emulator with one healthy and one failing receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { fails, ok, okJson } from './cli-helpers.js';

let emu: TestEmulator;
let rx: Receiver;
let env: NodeJS.ProcessEnv;
let good: string;
let bad: string;

beforeAll(async () => {
  // One retry 50 ms after a failure, then failed.
  emu = await startTestEmulator({ retrySchedule: [50] });
  rx = await startReceiver((req) => (req.path === '/fail' ? { status: 500 } : { status: 200 }));
  env = isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey });
  good = (await emu.api('POST', '/v1/webhooks', { url: `${rx.url}/ok`, events: ['vehicle.*'] })).body.id;
  bad = (await emu.api('POST', '/v1/webhooks', { url: `${rx.url}/fail`, events: ['parts.*'] })).body.id;
  for (let i = 0; i < 3; i++) await emu.api('POST', '/v1/events', { type: 'vehicle.created' });
  await emu.api('POST', '/v1/events', { type: 'parts.inventory.low' });
  // 3 delivered + 2 attempts (retried, then failed) = 5 attempts.
  await rx.waitForCount(5);
  await waitFor(async () => (await emu.api('GET', '/v1/stats?window=15m')).body.total.attempts === 5, { what: '5 attempts in /v1/stats' });
});
afterAll(async () => {
  await rx?.close();
  await emu?.close();
});

describe('propitbox stats', () => {
  it('--json prints the API object for the window, bucket and filter given', async () => {
    const s = await okJson(['stats', '--window', '15m', '--bucket', '1m'], env);
    expect(s).toMatchObject({ object: 'stats', window: '15m', bucket: '1m', filters: {} });
    expect(s.buckets).toHaveLength(15);
    expect(s.total).toMatchObject({ attempts: 5, delivered: 3, retried: 1, failed: 1 });
    const onlyBad = await okJson(['stats', '--endpoint', bad, '--window', '15m'], env);
    expect(onlyBad.filters).toEqual({ endpoint: bad });
    expect(onlyBad.total).toMatchObject({ attempts: 2, delivered: 0, retried: 1, failed: 1 });
    const byType = await okJson(['stats', '--event-type', 'vehicle.created'], env);
    expect(byType).toMatchObject({ window: '1h', bucket: '1m', total: { attempts: 3, delivered: 3 } });
  });

  it('prints a short table with a total row, and sparklines of attempts and failures', async () => {
    const r = await ok(['stats', '--window', '1h', '--endpoint', good], env);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Delivery attempts in the last 1h (endpoint ${good}), by 5m`);
    expect(lines[1]).toMatch(/^FROM\s+ATTEMPTS\s+DELIVERED\s+RETRIED\s+FAILED\s+P50\s+P95\s+MAX$/);
    // 12 rows of 5 minutes, then the total.
    expect(lines.slice(2, 14).every((l) => /^\d\d:\d\d\s/.test(l))).toBe(true);
    expect(lines[14]).toMatch(/^total\s+3\s+3\s+0\s+0\s+\d+ ms\s+\d+ ms\s+\d+ ms$/);
    expect(lines[16]).toMatch(/^attempts {2}[▁▂▃▄▅▆▇█]{60} {2}60 × 1m, peak 3$/);
    expect(lines[17]).toMatch(/^not 2xx {3}▁{60}$/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // not a TTY: no colour
  });

  it('refuses bad flags with one line and exit 2, and API refusals with exit 1', async () => {
    await fails(['stats', '--window', 'forever'], env, 2, /--window must be a duration from 1s to 30d/);
    await fails(['stats', '--endpoint', 'ls_1'], env, 2, /--endpoint expects an endpoint id \(we_…\)/);
    await fails(['stats', '--endpoint', good, '--session', 'ls_1'], env, 2, /not both/);
    await fails(['stats', '--event-type', 'vehicle.crated'], env, 2, /vehicle\.created/);
    await fails(['stats', '--window', '24h', '--bucket', '1s'], env, 1, /more than 500; use a bucket of 5m or more/);
    await fails(['stats', '--endpoint', 'we_missing'], env, 1, /No such endpoint: 'we_missing'/);
  });
});
