// A plain description of the commander tree, so completion scripts are generated from the real
// commands and never go stale.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { EVENT_TYPE_NAMES } from '../../../domain/event-types.js';

export interface CmdSpec {
  name: string;
  description: string;
  options: { flags: string[]; description: string; takesValue: boolean }[];
  /** Words offered for positional arguments (event types for trigger/fixtures show). */
  values: string[];
  subcommands: CmdSpec[];
}

/** Commands whose first argument is an event type. */
const TYPE_ARG = new Set(['trigger', 'fixtures show', 'webhooks test']);

export function describe(cmd: CommandUnknownOpts, path: string[] = []): CmdSpec {
  const here = [...path, cmd.name()];
  const key = here.slice(1).join(' ');
  return {
    name: cmd.name(),
    description: cmd.description().split('\n')[0],
    options: cmd.options
      .filter((o) => !o.hidden)
      .map((o) => ({ flags: [o.long, o.short].filter((f): f is string => !!f), description: o.description, takesValue: o.required || o.optional })),
    values: TYPE_ARG.has(key) ? [...EVENT_TYPE_NAMES] : [],
    subcommands: cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => describe(c, here)),
  };
}

/** Every command path below the root: [] (root), ['webhooks'], ['webhooks','list'], … */
export function walk(spec: CmdSpec, path: string[] = [], out: { path: string[]; spec: CmdSpec }[] = []): { path: string[]; spec: CmdSpec }[] {
  out.push({ path, spec });
  for (const s of spec.subcommands) walk(s, [...path, s.name], out);
  return out;
}
