// Render Ink components in memory (ink-testing-library) and wait for frames by polling lastFrame(),
// never by sleeping.
import type { ReactElement } from 'react';
import { render } from 'ink-testing-library';
import { waitFor } from '../../helpers/wait-for.js';

export type Rendered = ReturnType<typeof render> & {
  waitForFrame(pred: (frame: string) => boolean, what?: string): Promise<string>;
  press(keys: string): void;
  /** Resolves once Ink listens for keys (useInput subscribes in an effect, after the first frame). */
  inputReady(): Promise<void>;
};

/** Escape sequences for the keys tests press. */
export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  ctrlC: '\u0003',
  ctrlU: '\u0015',
};

export function renderTui(tree: ReactElement): Rendered {
  const r = render(tree) as Rendered;
  r.waitForFrame = (pred, what) => waitFor(() => {
    const f = r.lastFrame() ?? '';
    return pred(f) && f;
  }, { timeout: 5000, what: `${what ?? 'a frame'}; last frame:\n${r.lastFrame()}` });
  r.press = (keys) => r.stdin.write(keys);
  r.inputReady = async () => {
    await waitFor(() => r.stdin.listenerCount('readable') > 0, { timeout: 5000, what: 'Ink to listen on stdin' });
  };
  return r;
}
