// Plain lines (stdout not a TTY, or --no-tui): the event log on stdout, everything about the
// connection and the receiver's health on stderr. Held retries are not printed one by one: the
// receiver going down and coming back is said once each.
import type { ListenEvent } from '../../relay/listen-events.js';
import { mask } from '../../util/mask.js';
import { formatSize } from '../../util/size.js';
import type { IngestView } from '../../relay/ingest-item.js';
import { LineWriter, receiverDownHint, seconds, type ListenRenderer, type Streams } from './renderer.js';

export function targetsText(targets: { pattern: string; url: string }[]): string {
  return targets.map((t) => (t.pattern === '*' ? t.url : `${t.pattern} -> ${t.url}`)).join(', ');
}

/** `--> ingest POST /hook?x=1 application/json 1.2 KiB [req_…] vehicle.created evt_…` */
function ingestText(id: string, type: string, i: IngestView): string {
  const what = i.eventId ? ` ${type} ${i.eventId}` : '';
  return `--> ingest ${i.method} ${i.path || '/'}${i.query ? `?${i.query}` : ''} ${i.contentType ?? '(no content type)'} ${formatSize(i.size)} [${id}]${what}`;
}

export function createPlainRenderer(streams: Streams): ListenRenderer {
  const w = new LineWriter(streams);
  const replays = new Set<string>();
  let everReady = false;
  let lost = false;
  return {
    flush: () => w.flush(),
    render(e: ListenEvent) {
      switch (e.kind) {
        case 'ready':
          everReady = true;
          w.stdout(`Ready! Forwarding to ${targetsText(e.targets)} (session ${e.sessionId}, secret ${mask(e.secret)})`);
          if (e.ingestUrl) w.stdout(`Ingest URL: ${e.ingestUrl} (anything sent here is forwarded as is)`);
          break;
        case 'event':
          w.stdout(e.ingest ? ingestText(e.id, e.type, e.ingest) : `--> ${e.type} [${e.id}]`);
          break;
        case 'attempt':
          if (e.replay) replays.add(e.attemptId);
          break;
        case 'response': {
          if (e.willRetry) break;
          const replay = replays.delete(e.attemptId) ? ' (replay)' : '';
          const status = e.status === null ? 'ERR' : String(e.status);
          const detail = e.error ? `${e.error}, ${seconds(e.durationMs)}` : seconds(e.durationMs);
          w.stdout(`<-- [${status}] ${e.method ?? 'POST'} ${e.url || '(no target)'} (${detail}) [${e.eventId}]${replay}`);
          break;
        }
        case 'receiver':
          w.stderr(e.up ? `Receiver ${e.url} is answering again${e.held > 0 ? `: sending ${e.held} held events` : ''}` : receiverDownHint(e.url, e.error));
          break;
        case 'connection': {
          const c = e.connection;
          if (c.state === 'connecting' && c.attempt === 1 && !everReady) w.stderr('Connecting to the relay…');
          else if (c.state === 'reconnecting' && (lost = true)) w.stderr(`Connection lost (${c.reason}): reconnecting in ${seconds(c.inMs)} (attempt ${c.attempt})`);
          else if (c.state === 'ready' && lost) {
            lost = false;
            w.stderr(`Reconnected (session ${c.sessionId})`);
          }
          else if (c.state === 'session-recreated') w.stderr(`The relay session was gone (${c.reason}): created a new one, ${c.sessionId}`);
          break;
        }
        case 'paused':
          w.stderr(e.paused ? 'Paused: events are queued' : 'Resumed');
          break;
        case 'error':
          // A fatal error is printed once by the CLI's error handler as the exit reason.
          if (!e.fatal) w.stderr(`warning: ${e.message}`);
          break;
      }
    },
  };
}
