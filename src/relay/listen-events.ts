// What a listen session tells its renderers (TUI, plain lines, NDJSON), and what renderers may ask of
// it. The domain emits these typed events; renderers subscribe and never do I/O themselves (the TUI
// dispatches intents through ListenController). No ink/react/chalk here.
import type { IngestView } from './ingest-item.js';

export type ConnectionState =
  | { state: 'connecting'; attempt: number }
  | { state: 'ready'; sessionId: string }
  | { state: 'reconnecting'; attempt: number; inMs: number; reason: string }
  | { state: 'session-recreated'; sessionId: string; reason: string }
  | { state: 'closed'; reason: string };

export interface ForwardTarget {
  pattern: string; // '*' for --forward-to, the PATTERN of --route PATTERN=URL
  url: string;
}

export type ListenEvent =
  /** Session opened and websocket really open (never emitted while still dialing). */
  | { kind: 'ready'; sessionId: string; wsUrl: string; apiUrl: string; profile: string; secret: string; targets: ForwardTarget[]; events: string[]; ingestUrl?: string }
  | { kind: 'connection'; connection: ConnectionState; at: number }
  /** An event arrived from the relay (or from local history for a replay / --since). */
  | {
      kind: 'event';
      id: string;
      seq: number | null;
      type: string;
      created: string;
      /** The event JSON; for an ingested request its body as text (or a hex dump when binary). */
      body: string;
      receivedAt: number;
      /** Set for a raw request from an ingest URL (id req_…, type the body's event type or 'ingest'). */
      ingest?: IngestView;
      /** The exact bytes of an ingested request (for NDJSON; renderers that keep rows must not keep this). */
      raw?: Buffer;
    }
  /** A POST to the local receiver started (first attempt, retry while the receiver is down, or replay). */
  | { kind: 'attempt'; eventId: string; attemptId: string; url: string; requestHeaders: Record<string, string>; body: string; replay: boolean; at: number; method?: string }
  /** The local receiver answered (status set) or could not be reached (error set). */
  | {
      kind: 'response';
      eventId: string;
      attemptId: string;
      url: string;
      status: number | null;
      durationMs: number;
      headers: Record<string, string>;
      body: string; // excerpt
      error: string | null;
      /** true when the event is held and will be retried (receiver down). */
      willRetry: boolean;
      at: number;
      /** The method used (ingested requests keep the sender's; events are POSTed). */
      method?: string;
    }
  /** Said once when a receiver stops answering, and once when it is back. */
  | { kind: 'receiver'; url: string; up: boolean; error: string | null; held: number; at: number }
  | { kind: 'paused'; paused: boolean; at: number }
  | { kind: 'error'; message: string; fatal: boolean; at: number };

export type ListenListener = (e: ListenEvent) => void;

/** Intents a renderer can dispatch; the listen session does the I/O. */
export interface ListenController {
  replay(eventId: string): Promise<void>;
  replayFailed(): Promise<number>;
  /** Re-sign a modified body with a fresh timestamp and send it (modify-and-replay). */
  replayBody(eventId: string, body: string): Promise<void>;
  setPaused(paused: boolean): void;
  /** Older events evicted from a renderer's memory are still here (history file). */
  findEvent(eventId: string): Promise<{ id: string; type: string; body: string } | null>;
  search(query: string, limit: number): Promise<Array<{ id: string; type: string; created: string; status: number | null }>>;
  stop(): Promise<void>;
}
