// A state dir listen cannot write (here: a regular file where the folder should be, which stops root
// too): forwarding goes on, and listen says once that history is off: on stderr in plain mode, as a
// non-fatal error line in NDJSON, as a warning notice in the TUI (same event).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { waitFor } from '../helpers/wait-for.js';

let emu: TestEmulator;
let rx: Receiver;
beforeAll(async () => {
  emu = await startTestEmulator();
  rx = await startReceiver();
});
afterAll(async () => {
  await rx?.close();
  await emu?.close();
});

/** Run listen until it forwarded `n` events, sending them once its session has a client. */
async function listenWithStateDir(stateDir: string, format: 'plain' | 'json', label: string, n = 2) {
  const env = isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey, PROPITBOX_STATE_DIR: stateDir });
  const run = runInProcess(['webhooks', 'listen', '--no-tui', '--format', format, '--label', label, '--events', 'vehicle.created', '--forward-to', `${rx.url}/hooks`, '--max-events', String(n)], { env });
  await waitFor(async () => (await emu.api('GET', '/v1/listen-sessions')).body.data.some((s: { label: string; connected: boolean }) => s.label === label && s.connected), { what: `the ${label} session connected` });
  for (let i = 0; i < n; i++) expect((await emu.api('POST', '/v1/events', { type: 'vehicle.created', data: {} })).status).toBe(201);
  return run;
}

describe('listen with a state dir it cannot write', () => {
  const notDir = join(mkdtempSync(join(tmpdir(), 'propitbox-state-')), 'state');
  beforeAll(() => writeFileSync(notDir, 'not a folder'));
  const file = join(notDir, 'history', 'default.ndjson');

  it('plain: forwards, and warns once on stderr that history is off', async () => {
    const res = await listenWithStateDir(notDir, 'plain', 'plain');
    expect(res.code).toBe(0);
    expect(res.stdout.match(/<-- \[200\]/g)).toHaveLength(2);
    const warnings = res.stderr.split('\n').filter((l) => l.includes('history is off'));
    expect(warnings).toEqual([`warning: history is off: cannot write ${file} (ENOTDIR); \`propitbox events replay\` will not find this session's events. Make its folder writable or set PROPITBOX_STATE_DIR`]);
  });

  it('json: one non-fatal error line', async () => {
    const res = await listenWithStateDir(notDir, 'json', 'json');
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const off = lines.filter((l) => l.kind === 'error');
    expect(off).toHaveLength(1);
    expect(off[0]).toMatchObject({ v: 1, kind: 'error', fatal: false });
    expect(off[0].message).toMatch(/^history is off: cannot write .* \(ENOTDIR\)/);
    expect(lines.filter((l) => l.kind === 'response')).toHaveLength(2);
  });

  it('says nothing when the state dir is fine', async () => {
    const res = await listenWithStateDir(mkdtempSync(join(tmpdir(), 'propitbox-state-')), 'plain', 'fine', 1);
    expect(res.code).toBe(0);
    expect(res.stderr).not.toContain('history is off');
  });
});
