// One line per top-level command. Each register() declares flags/help only; heavy code loads in the action.
import type { Command } from 'commander';

export function registerCommands(program: Command): void {
  void program;
}
