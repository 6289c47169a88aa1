// One renderer interface for a listen session (hookdeck's Renderer), picked once by
// createListenRenderer: the TUI, plain lines or NDJSON. Line renderers are a function of ListenEvents;
// their output is coalesced (one write per stream every 20 ms), which matters at thousands of events/s.
import type { ListenController, ListenEvent, ListenListener } from '../../relay/listen-events.js';

/** What the listen service shows a renderer: the session's events, and the intents it accepts. */
export interface SessionView {
  subscribe(listener: ListenListener): () => void;
  controller: ListenController;
  /** Where the session is, for the TUI's header. */
  apiUrl: string;
  profile: string;
}

export interface SessionRenderer {
  /** Starts showing the session; calls onClose when the user closes the view (the TUI's q). */
  start(view: SessionView, onClose: () => void): void;
  /** The session is over: write what is buffered, give the terminal back. */
  finish(): Promise<void>;
}

/** A line renderer (plain, NDJSON): one call per event. */
export interface ListenRenderer {
  render(e: ListenEvent): void;
  /** Write anything buffered (call before exiting). */
  flush(): void;
}

export interface Streams {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** Buffers lines per stream and writes them at most every 20 ms (one syscall per stream), and on flush(). */
export class LineWriter {
  private out: string[] = [];
  private err: string[] = [];
  private scheduled = false;

  constructor(private readonly streams: Streams) {}

  stdout(line: string): void {
    this.out.push(line);
    this.schedule();
  }

  stderr(line: string): void {
    this.err.push(line);
    this.schedule();
  }

  flush(): void {
    this.scheduled = false;
    if (this.out.length) this.streams.out.write(this.out.join('\n') + '\n');
    if (this.err.length) this.streams.err.write(this.err.join('\n') + '\n');
    this.out = [];
    this.err = [];
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => this.flush(), 20);
  }
}

export function receiverDownHint(url: string, error: string | null): string {
  // A plain http:// request to an HTTPS port is closed without an answer: it looks like a reset.
  const tls = error === 'connection reset' && url.startsWith('http://') ? ' (if it serves HTTPS, use https://)' : '';
  return `Receiver ${url} is not answering (${error ?? 'no answer'}): events are held and retried when it is back${tls}`;
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)}s`;
}
