// The listen TUI in a real terminal: tmux runs the built CLI forwarding to a real receiver; the test
// triggers events through the emulator's API, presses keys and reads the screen with capture-pane.
// Runs `dev --forward-to` (emulator + session in one process) when that command has the flag, else a
// `dev --headless` child plus `webhooks listen` in the terminal (the same TUI either way).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv } from '../helpers/run-cli.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { callApi, FAST_RETRY_SCHEDULE, spawnTestEmulator, TEST_API_KEY, type SpawnedEmulator } from '../helpers/emulator.js';
import { waitFor } from '../helpers/wait-for.js';
import { startTmux, tmuxAvailable, type TmuxPane } from '../tui/helpers/tmux.js';

const HAS_TMUX = tmuxAvailable();
if (!HAS_TMUX) console.warn('SKIPPED test/e2e/tui-tmux.test.ts: tmux is not installed (`tmux -V` failed); .ci/run installs it');

// Print the exit code, then stay: tmux drops a dead pane's last output when the shell exits at once.
const AFTER_EXIT = '; echo "EXITED $?"; sleep 120';
const sh = (args: string[]) => args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');

function devHasForwardTo(env: NodeJS.ProcessEnv): boolean {
  const r = spawnSync(process.execPath, [BIN, 'dev', '--help'], { env, encoding: 'utf8' });
  return r.stdout.includes('--forward-to');
}

describe.skipIf(!HAS_TMUX)('listen TUI in tmux (100x30)', () => {
  let receiver: Receiver;
  let pane: TmuxPane;
  let emulator: SpawnedEmulator | null = null;
  let apiUrl = '';
  let failing = true;

  beforeAll(async () => {
    // parts.inventory.low fails with 500 until the test flips `failing`; everything else is 200.
    receiver = await startReceiver((req) => (failing && req.body.includes('parts.inventory.low') ? { status: 500, body: 'boom' } : { status: 200, body: 'OK' }));
    const env = isolatedEnv({ TERM: 'xterm-256color' });
    // Not CI: the listen command may choose plain lines there; this test is about the TUI.
    delete env.CI;
    const forwardTo = `${receiver.url}/webhooks/pro-pitbox`;
    const retry = FAST_RETRY_SCHEDULE.map((ms) => `${ms}ms`).join(',');
    let args: string[];
    if (devHasForwardTo(env)) {
      const dataDir = mkdtempSync(join(tmpdir(), 'propitbox-tui-'));
      args = ['dev', '--forward-to', forwardTo, '--port', '0', '--data-dir', dataDir, '--api-key', TEST_API_KEY, '--retry-schedule', retry];
    } else {
      emulator = await spawnTestEmulator({ env });
      apiUrl = emulator.url;
      args = ['webhooks', 'listen', '--api-url', apiUrl, '--api-key', TEST_API_KEY, '--forward-to', forwardTo];
    }
    pane = startTmux(`${sh([process.execPath, BIN, ...args])}${AFTER_EXIT}`, { cols: 100, rows: 30, env });
    const screen = await pane.waitForScreen((s) => s.includes('● ready'), 'the session to be ready', 30_000);
    apiUrl ||= /emulator (http:\/\/127\.0\.0\.1:\d+)/.exec(screen)![1];
  });

  afterAll(async () => {
    pane?.kill();
    await emulator?.stop();
    await receiver?.close();
  });

  const trigger = (type: string, data: Record<string, unknown>) => callApi(apiUrl, 'POST', '/v1/events', { type, data });

  it('shows forwarded events, their status, and the counters', async () => {
    const screen = pane.capture();
    expect(screen).toContain(`→ ${receiver.url.replace('http://', '')}/webhooks/pro-pitbox`);
    expect(screen).toMatch(/secret whsec_\S+…\S+ \(s reveal\)/);
    for (const [type, data] of [
      ['vehicle.created', { vehicle: { id: 'veh_1' } }],
      ['parts.inventory.low', { part: { id: 'prt_1' }, quantity: 1 }],
      ['maintenance.task.created', { task: { id: 'mnt_1' } }],
    ] as const) expect((await trigger(type, data)).status).toBe(201);
    const s = await pane.waitForScreen((s) => /received 3\s+2xx 2\s+failed 1\s+pending 0/.test(s), 'three events forwarded');
    expect(s).toMatch(/vehicle\.created\s+evt_\w+\s+\S+\s+200\s+\d+ ms/);
    expect(s).toMatch(/parts\.inventory\.low\s+evt_\w+\s+\S+\s+500\s+\d+ ms/);
    expect(s).toMatch(/^> .*maintenance\.task\.created/m);
    expect(receiver.requests).toHaveLength(3);
    // The activity line: the three arrivals in the newest seconds of the minute, and a p95 latency.
    const activity = s.split('\n')[3];
    expect(activity).toMatch(/^last 60s {2}events [▁-█]{30} \d+\.\d\/s {2}p95 [▁-█]{12} \d+ ms$/);
    expect(activity.slice(17, 47)).toMatch(/[▂-█]/);
  });

  it('filters, opens the details and replays the selected event with a fresh signature', async () => {
    pane.keys(['/']);
    pane.keys(['status:5xx'], { literal: true });
    await pane.waitForScreen((s) => s.includes('/status:5xx▏  1 match') && !s.includes('vehicle.created'), 'the filter to apply as typed');
    pane.keys(['Enter']);
    await pane.waitForScreen((s) => s.includes('filter status:5xx: 1 shown') && /^> .*parts\.inventory\.low/m.test(s), 'the filtered list');
    pane.keys(['Enter']);
    const details = await pane.waitForScreen((s) => s.includes('Attempts (1;') && /#1 \S+\s+→ 500/.test(s), 'the details pane');
    expect(details).toContain('"type": "parts.inventory.low"');
    pane.keys(['G']);
    await pane.waitForScreen((s) => /x-propitbox-signature: [0-9a-f]{64}/.test(s) && s.includes('Response body'), 'the request headers and the response');
    pane.keys(['g']);
    failing = false;
    pane.keys(['r']);
    await pane.waitForScreen((s) => /#2 \S+ replay\s+→ 200/.test(s) && /parts\.inventory\.low\s+200 x2/.test(s), 'the replay to answer 200');
    const [first, replay] = receiver.requests.filter((r) => r.body.includes('parts.inventory.low'));
    expect(replay.body).toBe(first.body);
    expect(Number(replay.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(Number(first.headers['webhook-timestamp']));
    pane.keys(['Escape']);
    await pane.waitForScreen((s) => s.includes('EVENT ID') && /received 3\s+2xx 3\s+failed 0/.test(s), 'back to the list, counters updated');
    pane.keys(['Escape']);
    await pane.waitForScreen((s) => s.includes('vehicle.created') && s.includes('maintenance.task.created'), 'the filter cleared');
  });

  it('pauses, shows help, adapts to a resize and quits restoring the terminal', async () => {
    pane.keys(['p']);
    await pane.waitForScreen((s) => s.includes('PAUSED'), 'paused');
    pane.keys(['p']);
    await pane.waitForScreen((s) => !s.includes('PAUSED'), 'resumed');
    pane.keys(['?']);
    await pane.waitForScreen((s) => s.includes('pause / resume forwarding'), 'help');
    pane.keys(['Escape']);
    await pane.waitForScreen((s) => s.includes('EVENT ID'), 'help closed');
    pane.resize(80, 24);
    const small = await pane.waitForScreen((s) => s.includes('EVENT ID') && !s.includes('TARGET'), 'the 80x24 layout');
    for (const line of small.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    pane.keys(['q']);
    const after = await pane.waitForScreen((s) => /EXITED \d+/.test(s), 'the program to exit');
    expect(after).toContain('EXITED 0');
    // The alternate screen is gone: nothing of the TUI is left on the normal screen.
    expect(after).not.toContain('EVENT ID');
    await waitFor(() => receiver.requests.length === 4);
  });
});

describe.skipIf(!HAS_TMUX)('listen TUI in tmux: the session ends without a key', () => {
  let emulator: SpawnedEmulator;
  let pane: TmuxPane;
  afterAll(async () => {
    pane?.kill();
    await emulator?.stop();
  });

  it('SIGTERM closes the session, the TUI leaves and the terminal is restored (exit 0)', async () => {
    const env = isolatedEnv({ TERM: 'xterm-256color' });
    delete env.CI;
    emulator = await spawnTestEmulator({ env });
    const args = ['webhooks', 'listen', '--api-url', emulator.url, '--api-key', TEST_API_KEY, '--forward-to', 'http://127.0.0.1:9/unused'];
    pane = startTmux(`${sh([process.execPath, BIN, ...args])}${AFTER_EXIT}`, { cols: 100, rows: 30, env });
    await pane.waitForScreen((s) => s.includes('● ready'), 'the session to be ready', 30_000);
    // The pane runs sh, which runs node: signal node.
    const node = Number(readFileSync(`/proc/${pane.pid()}/task/${pane.pid()}/children`, 'utf8').trim().split(/\s+/)[0]);
    process.kill(node, 'SIGTERM');
    const after = await pane.waitForScreen((s) => /EXITED \d+/.test(s), 'the program to exit');
    expect(after).toContain('EXITED 0');
    expect(after).not.toContain('EVENT ID');
  });
});
