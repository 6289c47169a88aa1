// Small helpers every command file uses: help examples, global options, the lazily-loaded API,
// repeatable flags, shared validation. Nothing heavy is imported at module load.
import type { Command, CommandUnknownOpts, OptionValues } from '@commander-js/extra-typings';
import type { GlobalOptions } from '../program.js';
import type { Api } from '../../api/connect.js';
import { UsageError } from '../../errors.js';
import { isValidPattern, unknownTypeMessage } from '../../domain/event-types.js';

/** "Examples:" block for addHelpText('after', …). */
export function examples(...lines: string[]): string {
  return '\nExamples:\n' + lines.map((l) => (l.startsWith('#') ? `  ${l}` : `  $ ${l}`)).join('\n');
}

/** A string option set on this command or above it (options of a parent are untyped down here). */
export function inheritedText(cmd: CommandUnknownOpts, name: string): string | undefined {
  const v = cmd.optsWithGlobals()[name];
  return typeof v === 'string' ? v : undefined;
}

/** The root's options, as seen from any command. */
export function globals(cmd: CommandUnknownOpts): GlobalOptions {
  const color = cmd.optsWithGlobals().color;
  return { profile: inheritedText(cmd, 'profile'), apiKey: inheritedText(cmd, 'apiKey'), apiUrl: inheritedText(cmd, 'apiUrl'), color: typeof color === 'boolean' ? color : undefined };
}

/** The API client for this invocation (flag > env > profile). undici loads here, not at start-up. */
export async function api(cmd: CommandUnknownOpts): Promise<Api> {
  const { connect } = await import('../../api/connect.js');
  const g = globals(cmd);
  return connect({ profile: g.profile, apiKey: g.apiKey, apiUrl: g.apiUrl });
}

/** Run `fn` with an API client and always close its sockets (so the process can exit promptly). */
export async function withApi<T>(cmd: CommandUnknownOpts, fn: (a: Api) => Promise<T>): Promise<T> {
  const a = await api(cmd);
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

/** Find or create a command group (`webhooks`, `events`): other files add their verbs to the same one. */
export function group(program: CommandUnknownOpts, name: string, description: string): CommandUnknownOpts {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

/** For repeatable flags: `.option('--override <p=v>', '…', collect, [])`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** For repeatable comma-list flags: `--events a --events b,c` is `a,b,c` (a repeat adds, never replaces). */
export function joinRepeats(value: string, previous?: string): string {
  return previous ? `${previous},${value}` : value;
}

/**
 * "a,b, c" -> ['a','b','c'], each a valid type / wildcard / '*', else a usage error with "did you mean".
 * Repeats add to the list (`--events a --events b,c`), without duplicates.
 */
export function parseEventPatterns(value: string, previous: string[] = []): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new UsageError('--events needs at least one event type, e.g. --events maintenance.task.created,vehicle.*');
  for (const p of list) if (!isValidPattern(p)) throw new UsageError(unknownTypeMessage(p, true));
  return [...new Set([...previous, ...list])];
}

export function parseDeliveryStatus(value: string): string {
  const statuses = ['pending', 'succeeded', 'failed'];
  if (!statuses.includes(value)) throw new UsageError(`--status must be one of ${statuses.join(', ')}, got '${value}'`);
  return value;
}

export function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError(`--limit must be a whole number from 1 to 100, got '${value}'`);
  return n;
}

/** Adds --limit / --starting-after / --json to a list command. */
export function listOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option('--limit <n>', 'how many to show (1-100)', parseLimit, 20)
    .option('--starting-after <id>', 'page after this id (lists are newest first)')
    .option('--json', 'print the API objects as JSON on stdout');
}

/** Notes after a list when there is more. */
export function moreHint(hasMore: boolean, lastId: string | undefined): string | undefined {
  return hasMore && lastId ? `More available: add --starting-after ${lastId}` : undefined;
}

/** `--json` prints the API object as is (stdout, nothing else); otherwise the human view. */
export async function show<T>(json: boolean | undefined, value: T, human: (v: T) => string | Promise<string>): Promise<void> {
  const { printJson, printText } = await import('../../output/print.js');
  if (json) printJson(value);
  else printText(await human(value));
}

/** A list page: JSON as is, or a table plus a "more available" note on stderr. */
export async function showPage<T extends { id: string }>(json: boolean | undefined, page: { data: T[]; has_more: boolean }, table: (rows: T[]) => string | Promise<string>): Promise<void> {
  await show(json, page, (p) => table(p.data));
  const more = json ? undefined : moreHint(page.has_more, page.data.at(-1)?.id);
  if (more) (await import('../../output/print.js')).note(more);
}
