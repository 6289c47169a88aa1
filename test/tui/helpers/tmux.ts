// Drive a real terminal: tmux on a private socket, keys in with send-keys, screen text out with
// capture-pane. Every wait polls the screen; nothing sleeps.
import { execFileSync, spawnSync } from 'node:child_process';
import { waitFor } from '../../helpers/wait-for.js';

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

export interface TmuxPane {
  capture(): string;
  /** tmux key names ("Enter", "Escape", "Up") or literal text with { literal: true }. */
  keys(keys: string[], opts?: { literal?: boolean }): void;
  waitForScreen(pred: (screen: string) => boolean, what: string, timeout?: number): Promise<string>;
  resize(cols: number, rows: number): void;
  /** The pid of the pane's process (the shell running `command`). */
  pid(): number;
  kill(): void;
}

/** `command` runs under /bin/sh in a detached session of `cols` x `rows`; `env` is its whole environment. */
export function startTmux(command: string, opts: { cols: number; rows: number; env: NodeJS.ProcessEnv }): TmuxPane {
  const socket = `propitbox-tui-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: opts.env });
  tmux('new-session', '-d', '-s', 'tui', '-x', String(opts.cols), '-y', String(opts.rows), command);
  // Keep the pane (and its last screen) after the program exits, so tests can read the exit line.
  tmux('set-option', '-t', 'tui', 'remain-on-exit', 'on');
  const pane: TmuxPane = {
    capture: () => {
      try {
        return tmux('capture-pane', '-p', '-t', 'tui');
      } catch {
        return '';
      }
    },
    keys: (keys, o = {}) => void tmux('send-keys', '-t', 'tui', ...(o.literal ? ['-l'] : []), ...keys),
    waitForScreen: (pred, what, timeout = 20_000) =>
      waitFor(() => {
        const s = pane.capture();
        return pred(s) && s;
      }, { timeout, interval: 25, what: `${what}; screen:\n${pane.capture()}` }),
    resize: (cols, rows) => void tmux('resize-window', '-t', 'tui', '-x', String(cols), '-y', String(rows)),
    pid: () => Number(tmux('display', '-p', '-t', 'tui', '#{pane_pid}').trim()),
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
  return pane;
}
