// The root `propitbox --help` lists each top-level command by its term (`trigger [options] [type]`) and
// description, nothing deeper, yet building the whole tree to print it was half of its start-up
// (every module, subcommand and option declared). The bundle carries that list, taken from the
// whole tree when it is built (build/root-index.mjs replaces ROOT_INDEX below), and the root help
// declares only those names. Everywhere else (tests, tsc's output) ROOT_INDEX is undefined and the
// whole tree is built, as for `help`, completion and "did you mean".
import { Help, type CommandUnknownOpts } from '@commander-js/extra-typings';

export interface RootEntry {
  name: string;
  /** As the root help prints it: name, alias, `[options]`, arguments. */
  term: string;
  description: string;
}

export const ROOT_INDEX: readonly RootEntry[] | undefined = undefined;

/** The visible top-level commands of a whole tree, as the root help shows them. */
export function rootEntries(program: CommandUnknownOpts): RootEntry[] {
  const help = program.createHelp();
  return help
    .visibleCommands(program)
    .filter((c) => program.commands.includes(c))
    .map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: help.subcommandDescription(c) }));
}

/** `propitbox --help` (or -h) with no command word: the root help and nothing else. */
export function isRootHelp(argv: readonly string[], word: string | undefined): boolean {
  return word === undefined && argv.some((a) => a === '--help' || a === '-h');
}

/** Declares the entries as bare commands, shown with the terms and descriptions the whole tree had. */
export function declareRoot(program: CommandUnknownOpts, entries: readonly RootEntry[]): void {
  const byCommand = new Map<unknown, RootEntry>(entries.map((e) => [program.command(e.name), e]));
  program.configureHelp({
    ...program.configureHelp(),
    // Commander's own for the rest (its implicit `help [command]`).
    subcommandTerm(this: Help, c) {
      return byCommand.get(c)?.term ?? Help.prototype.subcommandTerm.call(this, c);
    },
    subcommandDescription(this: Help, c) {
      return byCommand.get(c)?.description ?? Help.prototype.subcommandDescription.call(this, c);
    },
  });
}
