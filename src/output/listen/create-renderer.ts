// The one place a listen session's renderer is picked: the TUI, plain lines or NDJSON. The TUI is
// imported with a checked path and loaded before the session starts, so a TUI that cannot load says
// why: an error when the user asked for it (--tui), else one line on stderr and plain lines instead.
import { FailedError } from '../../errors.js';
import type { RunTui } from '../../tui/index.js';
import { createNdjsonRenderer } from './ndjson.js';
import { createPlainRenderer } from './plain.js';
import type { ListenRenderer, SessionRenderer, Streams } from './renderer.js';
import { stderr, stdout } from '../../util/io.js';

export type ListenOutput = 'tui' | 'plain' | 'json';

export interface RendererChoice {
  output: ListenOutput;
  /** The user asked for the TUI (--tui): no quiet fallback when it cannot load. */
  tuiRequired?: boolean;
  streams?: Streams;
  /** Tests replace the TUI loader. */
  loadTui?: () => Promise<RunTui>;
}

const loadTuiModule = async (): Promise<RunTui> => (await import('../../tui/index.js')).loadListenTui();

export async function createListenRenderer(c: RendererChoice): Promise<SessionRenderer> {
  const streams = c.streams ?? { out: stdout(), err: stderr() };
  if (c.output === 'tui') {
    try {
      return tuiRenderer(await (c.loadTui ?? loadTuiModule)(), streams);
    } catch (err) {
      const why = (err as Error)?.message ?? String(err);
      if (c.tuiRequired) throw new FailedError(`The TUI could not load: ${why}`, 'drop --tui for plain lines');
      streams.err.write(`The TUI could not load (${why}): showing plain lines instead\n`);
    }
  }
  return linesRenderer(c.output === 'json' ? createNdjsonRenderer(streams) : createPlainRenderer(streams));
}

function linesRenderer(r: ListenRenderer): SessionRenderer {
  return {
    start: (view) => void view.subscribe((e) => r.render(e)),
    finish: async () => r.flush(),
  };
}

function tuiRenderer(runTui: RunTui, streams: Streams): SessionRenderer {
  let done: Promise<void> = Promise.resolve();
  let crashed: Error | null = null;
  return {
    start(view, onClose) {
      const mode = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(view.apiUrl) ? 'emulator' : 'api';
      const header = { apiUrl: view.apiUrl, profile: view.profile, mode } as const;
      done = runTui({ subscribe: view.subscribe, controller: view.controller, header }).then(onClose, (err: Error) => {
        crashed = err;
        onClose();
      });
    },
    async finish() {
      await done;
      // The terminal is restored by now: say why the TUI went away instead of ending silently.
      if (crashed) streams.err.write(`The TUI stopped: ${crashed.message}\n`);
    },
  };
}
