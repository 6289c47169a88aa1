// Listen's output choice from its flags: the TUI only on a terminal or when asked for, with a usage
// error (exit 2) when asked for where it cannot run.
import { describe, expect, it } from 'vitest';
import { listenOptionsFrom, type ListenFlags } from '../../src/cli/commands/webhooks/listen.js';

const base: ListenFlags = { forwardTo: 'http://localhost:3000/hooks', route: [], headers: [], format: 'plain', concurrency: 1 };

describe('listen output flags', () => {
  it('lines when stdout is not a terminal, NDJSON with --format json; the TUI is not required', async () => {
    expect(process.stdout.isTTY).not.toBe(true);
    expect(await listenOptionsFrom(base, true)).toMatchObject({ output: 'plain', tuiRequired: false });
    expect(await listenOptionsFrom({ ...base, format: 'json' }, true)).toMatchObject({ output: 'json', tuiRequired: false });
    expect(await listenOptionsFrom({ ...base, tui: false }, true)).toMatchObject({ output: 'plain', tuiRequired: false });
  });

  it('--tui without a terminal, or with --format json, is a usage error', async () => {
    await expect(listenOptionsFrom({ ...base, tui: true }, true)).rejects.toMatchObject({ kind: 'usage', message: expect.stringContaining('--tui needs a terminal') });
    await expect(listenOptionsFrom({ ...base, tui: true, format: 'json' }, true)).rejects.toMatchObject({ kind: 'usage', message: '--tui and --format json do not mix: pick one' });
  });
});
