// The data dir holds the API key and every endpoint secret: a 0700 folder with 0600 files, whether
// the emulator created it or found it looser (then it is tightened and said once, on stderr for dev).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnTestEmulator, startTestEmulator } from '../helpers/emulator.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!().catch(() => undefined);
});

const mode = (p: string) => statSync(p).mode & 0o777;
const modes = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, mode(join(dir, f))]));

async function emulatorOn(dataDir: string) {
  const lines: string[] = [];
  const emu = await startTestEmulator({ dataDir, log: (l) => lines.push(l) });
  cleanup.push(() => emu.close());
  // Writes, so the WAL file exists and holds secrets too.
  expect((await emu.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['*'] })).status).toBe(201);
  return { emu, lines };
}

describe('data dir permissions', () => {
  it('creates the folder 0700 and every file in it 0600 (the WAL included)', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'propitbox-perm-')), 'data');
    const { emu, lines } = await emulatorOn(dataDir);
    expect(mode(dataDir)).toBe(0o700);
    const files = modes(dataDir);
    expect(Object.keys(files)).toContain('emulator.db');
    expect(Object.keys(files)).toContain('emulator.db-wal');
    for (const [f, m] of Object.entries(files)) expect([f, m.toString(8)]).toEqual([f, '600']);
    expect(lines).toEqual([]);
    await emu.close();
    for (const m of Object.values(modes(dataDir))) expect(m.toString(8)).toBe('600');
  });

  it('tightens an existing loose data dir on start and says so once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'propitbox-perm-'));
    const first = await emulatorOn(dataDir);
    await first.emu.close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'emulator.db'), 0o644);
    writeFileSync(join(dataDir, 'emulator.db-shm'), '', { mode: 0o666 });
    chmodSync(join(dataDir, 'emulator.db-shm'), 0o666);
    mkdirSync(join(dataDir, 'old'), { mode: 0o755 });

    const second = await emulatorOn(dataDir);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'old'))).toBe(0o700);
    for (const f of readdirSync(dataDir).filter((f) => f !== 'old')) expect([f, mode(join(dataDir, f)).toString(8)]).toEqual([f, '600']);
    expect(second.lines).toEqual([
      `made the data dir ${dataDir} private (it holds the API key and endpoint secrets): the folder 0755 -> 0700, emulator.db 0644 -> 0600, emulator.db-shm 0666 -> 0600, old 0755 -> 0700`,
    ]);
    await second.emu.close();

    const third = await emulatorOn(dataDir);
    expect(third.lines).toEqual([]);
  });

  it('propitbox dev says it on stderr, once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'propitbox-perm-'));
    chmodSync(dataDir, 0o750);
    const emu = await spawnTestEmulator({ dataDir });
    cleanup.push(() => emu.kill9());
    expect(mode(dataDir)).toBe(0o700);
    expect(emu.live.stderr()).toBe(`propitbox dev: made the data dir ${dataDir} private (it holds the API key and endpoint secrets): the folder 0750 -> 0700\n`);
  });
});
