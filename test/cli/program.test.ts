// The command tree: every command documents examples, and completion is generated from the same tree.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { describe as describeTree } from '../../src/cli/commands/completion/tree.js';
import { bashScript, fishScript, zshScript } from '../../src/cli/commands/completion/scripts.js';

function leaves(c: Command, path: string[] = []): { path: string; cmd: Command }[] {
  if (!c.commands.length) return [{ path: path.join(' '), cmd: c }];
  return c.commands.flatMap((s) => leaves(s, [...path, s.name()]));
}

function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  cmd.outputHelp();
  return out;
}

// The whole tree, as `--help`, `help` and `completion` build it.
const program = await buildProgram();

const MINE = ['login', 'logout', 'config', 'webhooks', 'events', 'deliveries', 'trigger', 'fixtures', 'verify', 'completion'];

describe('command tree', () => {
  const mine = leaves(program).filter((l) => MINE.includes(l.path.split(' ')[0]) && l.path !== 'webhooks listen' && l.path !== 'events replay');

  it('has every command of the issue', () => {
    const paths = mine.map((l) => l.path);
    for (const p of [
      'login', 'logout', 'config list', 'config get', 'config set', 'config unset',
      'webhooks list', 'webhooks create', 'webhooks get', 'webhooks update', 'webhooks delete', 'webhooks enable', 'webhooks disable', 'webhooks rotate-secret', 'webhooks test',
      'events list', 'events get', 'events resend', 'deliveries list', 'deliveries get', 'deliveries retry',
      'trigger', 'fixtures list', 'fixtures show', 'verify', 'completion',
    ]) expect(paths).toContain(p);
  });

  it.each(mine.map((l) => [l.path, l.cmd] as const))('%s --help has examples', (_path, cmd) => {
    expect(helpOf(cmd)).toMatch(/Examples:\n  \$ propitbox /);
  });

  it.each(MINE.filter((n) => ['webhooks', 'events', 'deliveries', 'fixtures', 'config'].includes(n)))('the %s group --help has examples', (name) => {
    expect(helpOf(program.commands.find((c) => c.name() === name)!)).toMatch(/Examples:\n  \$ propitbox /);
  });

  it('read commands offer --json', () => {
    for (const l of mine.filter((x) => /^(webhooks (list|get)|events (list|get)|deliveries (list|get)|fixtures (list|show)|config list)$/.test(x.path))) {
      expect(l.cmd.options.map((o) => o.long), l.path).toContain('--json');
    }
  });
});

describe('lazy registration', () => {
  it('builds only the invoked command, and the whole tree for help, completion and unknown words', async () => {
    const names = async (argv: string[]) => (await buildProgram(argv)).commands.map((c) => c.name());
    expect(await names(['--profile', 'x', 'fixtures', 'list'])).toEqual(['fixtures']);
    expect(await names(['webhooks', 'listen', '--help'])).toEqual(['webhooks']);
    expect((await buildProgram(['webhooks'])).commands[0].commands.map((c) => c.name())).toContain('listen');
    for (const argv of [[], ['--help'], ['help', 'trigger'], ['completion', 'bash'], ['webhok']]) {
      expect(await names(argv), argv.join(' ')).toEqual(program.commands.map((c) => c.name()));
    }
  });
});

describe('completion scripts', () => {
  const spec = describeTree(program);

  it('bash: valid syntax, every command and subcommand, event types for trigger', () => {
    const s = bashScript(spec);
    execFileSync('bash', ['-n'], { input: s });
    expect(s).toContain('"webhooks") opts="list');
    expect(s).toMatch(/"trigger"\) opts="[^"]*maintenance\.task\.created[^"]*--override/);
    expect(s).toContain('"deliveries retry")');
  });

  it('bash: completes subcommands after a global option with a value', () => {
    const out = execFileSync('bash', ['-c', `${bashScript(spec)}\nCOMP_WORDS=(propitbox --profile local webhooks r); COMP_CWORD=4; _propitbox; echo "\${COMPREPLY[@]}"`]).toString();
    expect(out.trim()).toBe('rotate-secret');
  });

  it('zsh wraps the same function; fish lists subcommands with descriptions', () => {
    expect(zshScript(spec)).toMatch(/^#compdef propitbox\n/);
    expect(zshScript(spec)).toContain('bashcompinit');
    const f = fishScript(spec);
    expect(f).toContain("complete -c propitbox -n '__fish_use_subcommand' -a trigger");
    expect(f).toMatch(/__fish_seen_subcommand_from webhooks.*-a rotate-secret/);
  });

  const has = (shell: string) => {
    try {
      execFileSync('sh', ['-c', `command -v ${shell}`]);
      return true;
    } catch {
      console.warn(`${shell} is not installed: its completion script is checked for shape only`);
      return false;
    }
  };

  it.skipIf(!has('fish'))('fish: the real shell completes commands, subcommands and event types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fish-'));
    writeFileSync(join(dir, 'p.fish'), fishScript(spec));
    const out = execFileSync('fish', ['-c', `source ${join(dir, 'p.fish')}; complete -C 'propitbox webh'; complete -C 'propitbox webhooks rot'; complete -C 'propitbox trigger parts.'`]).toString();
    expect(out).toMatch(/^webhooks\t/m);
    expect(out).toMatch(/^rotate-secret\t/m);
    expect(out).toMatch(/^parts\.inventory\.low/m);
  });

  it.skipIf(!has('zsh'))('zsh: the script loads under compinit and defines _propitbox', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zsh-'));
    writeFileSync(join(dir, '_propitbox'), zshScript(spec));
    const out = execFileSync('zsh', ['-fc', `autoload -U compinit; compinit -u -d ${join(dir, 'zcd')}; source ${join(dir, '_propitbox')}; whence -w _propitbox`]).toString();
    expect(out).toContain('_propitbox: function');
  });
});
