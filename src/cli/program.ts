// Builds the commander tree; a fresh one per call (tests build their own). Command modules only
// declare flags and help; their actions import the heavy modules (undici, fastify, ink) lazily.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { registerCommands } from './commands/index.js';
import { UsageError } from '../errors.js';
import { EVENT_TYPE_NAMES } from '../domain/event-types.js';
import { setEnvVar } from '../util/env.js';
import { stderr, stdout } from '../util/io.js';

export const VERSION = '0.1.0';

export interface GlobalOptions {
  profile?: string;
  apiKey?: string;
  apiUrl?: string;
  color?: boolean;
}

/** Commander writes to this run's streams, and its errors ("error: unknown command 'x'\n(Did you mean y?)") are one line with the fix, like ours. */
const ONE_LINE_ERRORS = {
  writeOut: (str: string) => void stdout().write(str),
  writeErr: (str: string) => void stderr().write(str),
  getOutHelpWidth: () => (stdout().isTTY && stdout().columns) || 80,
  getErrHelpWidth: () => (stderr().isTTY && stderr().columns) || 80,
  outputError: (str: string, write: (s: string) => void) => write(`${str.trim().replace(/\s*\n\s*/g, ' ')} (run with --help for usage)\n`),
};

/** The whole tree, or (given argv) only the invoked command under the root: see commands/index.ts. */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('propitbox')
    .description('Developer CLI for RCManager (Pro-Pitbox) webhooks: endpoints, test events, local forwarding, and an offline emulator.')
    .version(VERSION, '-V, --version')
    .option('--profile <name>', 'config profile to use (env PROPITBOX_PROFILE)')
    .option('--api-key <key>', 'API key (env PROPITBOX_API_KEY; default: the profile\'s)')
    .option('--api-url <url>', 'API base URL (env PROPITBOX_API_URL; default: the profile\'s, else https://api.pro-pitbox.com)')
    .option('--no-color', 'disable colour (also NO_COLOR=1)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput(ONE_LINE_ERRORS)
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      'after',
      `
Precedence: flag > environment (PROPITBOX_API_KEY, PROPITBOX_API_URL, PROPITBOX_PROFILE) > profile.
Exit codes: 0 ok, 1 operation failed, 2 usage error, 130 interrupted.
Event types: ${EVENT_TYPE_NAMES.join(', ')}

Examples:
  $ propitbox dev                                   # start the offline emulator (writes the "local" profile)
  $ propitbox dev --forward-to http://localhost:3000/webhooks/pro-pitbox
  $ propitbox webhooks listen --forward-to http://localhost:3000/webhooks/pro-pitbox
  $ propitbox trigger maintenance.task.created`,
    );
  program.hook('preAction', (_this, action) => {
    if (action.optsWithGlobals().color === false) setEnvVar('NO_COLOR', '1');
  });
  await registerCommands(program, argv);
  // Every subcommand inherits exitOverride and error suggestions.
  const walk = (c: CommandUnknownOpts) => {
    c.exitOverride().showSuggestionAfterError(true).configureOutput(ONE_LINE_ERRORS);
    c.commands.forEach(walk);
  };
  walk(program);
  program.configureOutput({ ...ONE_LINE_ERRORS, outputError: (str, write) => ONE_LINE_ERRORS.outputError(betterSuggestion(str, program), write) });
  return program;
}

/**
 * Commander suggests by spelling among top-level words: `propitbox listen` got nothing useful and
 * `propitbox version` got `verify`. A word that is a subcommand elsewhere (Stripe users type `listen`)
 * is pointed at its full path, and `version` at --version.
 */
function betterSuggestion(message: string, program: CommandUnknownOpts): string {
  const word = /unknown command '([^']+)'/.exec(message)?.[1];
  if (!word) return message;
  let full: string | undefined;
  if (word === 'version') full = 'propitbox --version';
  for (const group of program.commands) {
    const sub = group.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub && !full) full = `propitbox ${group.name()} ${sub.name()}`;
  }
  if (!full) return message;
  const base = message.replace(/\s*\(Did you mean [^)]*\)\s*$/, '').trimEnd();
  return `${base} (did you mean \`${full}\`?)`;
}

/** Parse an integer flag or throw a usage error naming the flag. */
export function intOption(flag: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
    return n;
  };
}
