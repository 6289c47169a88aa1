// Which commands count as long-running (they keep V8's optimising tier for undici's parser; every other
// command stays on baseline code so it exits right after its last response: see process-tuning.ts).
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { commandPath, LONG_RUNNING } from '../../src/cli/process-tuning.js';

function all(c: Command): Command[] {
  return [c, ...c.commands.flatMap(all)];
}

describe('process tuning', () => {
  it('names commands by their path below the root', async () => {
    const paths = all(await buildProgram()).map(commandPath);
    expect(paths).toContain('webhooks list');
    expect(paths).toContain('trigger');
    expect(paths).toContain('');
  });

  it('the long-running set names real commands (a rename would silently slow the servers down)', async () => {
    const paths = new Set(all(await buildProgram()).map(commandPath));
    for (const p of LONG_RUNNING) expect(paths.has(p), p).toBe(true);
  });
});
