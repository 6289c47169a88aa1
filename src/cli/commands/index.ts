// One line per top-level command. Each register() declares flags/help only; heavy code loads in the action.
import type { Command } from 'commander';
import { registerDev } from './dev.js';

export function registerCommands(program: Command): void {
  registerDev(program);
  void program;
}
