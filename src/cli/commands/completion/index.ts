// `propitbox completion bash|zsh|fish`: generated from the live commander tree.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples } from '../shared.js';
import { UsageError } from '../../../errors.js';
import { stdout } from '../../../util/io.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function registerCompletion(program: CommandUnknownOpts): void {
  program
    .command('completion')
    .argument('<shell>', SHELLS.join(' | '))
    .description('print a shell completion script')
    .addHelpText(
      'after',
      examples(
        'propitbox completion bash > ~/.local/share/bash-completion/completions/propitbox',
        'propitbox completion zsh > "${fpath[1]}/_propitbox"',
        'propitbox completion fish > ~/.config/fish/completions/propitbox.fish',
      ),
    )
    .action(async (shell, _opts, cmd) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`Unknown shell '${shell}': use ${SHELLS.join(', ')}`);
      let root: CommandUnknownOpts = cmd;
      while (root.parent) root = root.parent;
      const { describe } = await import('./tree.js');
      const scripts = await import('./scripts.js');
      const spec = describe(root);
      const text = shell === 'bash' ? scripts.bashScript(spec) : shell === 'zsh' ? scripts.zshScript(spec) : scripts.fishScript(spec);
      stdout().write(text);
    });
}
