// The top-level commands, each with the modules that declare it. Only the invoked command's modules
// are loaded (about a third of start-up time for `propitbox fixtures list`); `help`, `completion` and
// unknown words load them all, so completion scripts and "did you mean" see the whole tree; so does
// `--help`, except in the bundle, which carries the root help's list (root-index.ts). Each register() declares flags/help only; heavy code loads in the action.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { declareRoot, isRootHelp, ROOT_INDEX } from './root-index.js';

type Register = (program: CommandUnknownOpts) => void;
type Loader = () => Promise<Register[]>;

const COMMANDS: Array<{ names: string[]; load: Loader }> = [
  { names: ['login', 'logout'], load: async () => [(await import('./login.js')).registerLogin] },
  { names: ['config'], load: async () => [(await import('./config/index.js')).registerConfig] },
  { names: ['dev'], load: async () => [(await import('./dev.js')).registerDev] },
  { names: ['serve'], load: async () => [(await import('./serve.js')).registerServe] },
  {
    names: ['webhooks'],
    load: async () => [(await import('./webhooks/index.js')).registerWebhooks, (await import('./webhooks/listen.js')).registerWebhooksListen, (await import('./webhooks/sessions.js')).registerWebhooksSessions],
  },
  {
    names: ['events'],
    load: async () => [(await import('./events/index.js')).registerEvents, (await import('./events/replay.js')).registerEventsReplay],
  },
  { names: ['ingest'], load: async () => [(await import('./ingest/index.js')).registerIngest] },
  { names: ['deliveries'], load: async () => [(await import('./deliveries/index.js')).registerDeliveries] },
  { names: ['trigger'], load: async () => [(await import('./trigger/index.js')).registerTrigger] },
  { names: ['fixtures'], load: async () => [(await import('./fixtures/index.js')).registerFixtures] },
  { names: ['verify'], load: async () => [(await import('./verify.js')).registerVerify] },
  { names: ['stats'], load: async () => [(await import('./stats.js')).registerStats] },
  { names: ['keys'], load: async () => [(await import('./keys/index.js')).registerKeys] },
  // last: it describes the tree the others built
  { names: ['completion'], load: async () => [(await import('./completion/index.js')).registerCompletion] },
];

/** Global options that take a value, so `--profile x webhooks list` still finds `webhooks`. */
const VALUE_OPTIONS = new Set(['--profile', '--api-key', '--api-url']);

/** The first word of argv that is not a global option (undefined for `propitbox`, `propitbox --help`). */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

export async function registerCommands(program: CommandUnknownOpts, argv?: readonly string[]): Promise<void> {
  const word = argv ? commandWord(argv) : undefined;
  if (ROOT_INDEX && argv && isRootHelp(argv, word)) return declareRoot(program, ROOT_INDEX);
  const only = word && word !== 'completion' ? COMMANDS.find((c) => c.names.includes(word)) : undefined;
  const chosen = only ? [only] : COMMANDS;
  const registers = await Promise.all(chosen.map((c) => c.load()));
  for (const r of registers.flat()) r(program);
}
