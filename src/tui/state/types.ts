// View-state types for the listen TUI. Pure data: the reducer produces it, components only render it.
import type { ConnectionState, ForwardTarget } from '../../relay/listen-events.js';
import type { IngestView } from '../../relay/ingest-item.js';

/** How many events the TUI keeps in memory; older ones live in the listen history file (controller). */
export const MAX_EVENTS = 1000;
/** Attempts kept per event (newest win); the history file keeps the rest. */
export const MAX_ATTEMPTS = 20;
/** Bodies larger than this are kept truncated in memory; copy/edit fetch the full one via findEvent. */
export const MAX_BODY_CHARS = 256 * 1024;
/** Response body excerpt kept per attempt. */
export const MAX_RESPONSE_CHARS = 8 * 1024;

export type Outcome = 'pending' | 'held' | 'ok' | 'failed';

export interface ResponseView {
  status: number | null;
  durationMs: number;
  headers: Record<string, string>;
  body: string;
  error: string | null;
  willRetry: boolean;
  at: number;
}

export interface AttemptView {
  attemptId: string;
  /** 1-based, counted over the whole session (older attempts may have left memory). */
  number: number;
  url: string;
  requestHeaders: Record<string, string>;
  /** Only set when it differs from the event body (modify-and-replay). */
  body: string | null;
  replay: boolean;
  at: number;
  response: ResponseView | null;
  /** The method sent when not POST (ingested requests keep the sender's). */
  method?: string;
}

export interface EventRow {
  id: string;
  seq: number | null;
  type: string;
  created: string;
  body: string;
  bodyTruncated: boolean;
  receivedAt: number;
  /** The newest MAX_ATTEMPTS attempts. */
  attempts: AttemptView[];
  /** Every attempt seen, also those trimmed from `attempts` (a long receiver outage retries a lot). */
  attemptCount: number;
  outcome: Outcome;
  /** Not received in this session: a history search hit or an attempt for an evicted event. */
  fromHistory: boolean;
  /** History hits carry their last status until the full event is loaded. */
  historyStatus?: number | null;
  /** A raw request from an ingest URL (headers as received; `body` is its text or a hex dump). */
  ingest?: IngestView;
}

export interface Counts {
  received: number;
  ok: number;
  failed: number;
  pending: number;
}

export type Mode = 'list' | 'details' | 'filter' | 'help';

export interface Notice {
  text: string;
  level: 'info' | 'warn' | 'error';
}

export interface ReceiverState {
  up: boolean;
  error: string | null;
  held: number;
}

export interface ViewState {
  header: { apiUrl: string; profile: string; mode: 'emulator' | 'api' };
  session: { id: string | null; secret: string | null; targets: ForwardTarget[]; events: string[]; ingestUrl?: string };
  connection: (ConnectionState & { at: number }) | null;
  paused: boolean;
  receivers: Record<string, ReceiverState>;
  /** Oldest first; at most MAX_EVENTS. */
  order: string[];
  rows: Map<string, EventRow>;
  /** Matching events from the history file that are no longer (or never were) in memory. */
  historyHits: EventRow[];
  evicted: number;
  evictedCounts: Counts;
  counts: Counts;
  filterText: string;
  filterDraft: string;
  filterError: string | null;
  /** Ids shown in the list, after the filter, oldest first. */
  visible: string[];
  cursor: number;
  /** Cursor sticks to the newest row as events arrive (like tail -f) until the user moves up. */
  follow: boolean;
  scrollTop: number;
  /** The event the details pane shows; fixed while it is open, even as new events arrive. */
  detailsId: string | null;
  detailsScroll: number;
  mode: Mode;
  /** Where `?` / Esc returns to from help. */
  returnMode: Mode;
  revealSecret: boolean;
  notice: Notice | null;
  size: { cols: number; rows: number };
  now: number;
  fatal: string | null;
}
