// A listen session: opens (or resumes) a relay session through the API, receives events over the
// websocket, forwards them through the queue, acks each final outcome, writes local history, and
// emits ListenEvents to renderers (buffered until the first subscriber, so nothing is missed).
// Implements ListenController for the TUI. No printing, no exiting: that is the caller's job.
import type { ListenSession as ApiSession } from '../contract/v1.js';
import { FailedError } from '../errors.js';
import { Forwarder, type ForwardOutcome } from './forwarder.js';
import { warmUpForwarding } from './warm-up.js';
import { ForwardQueue, nextAttemptId, type QueueItem } from './forward-queue.js';
import { pickTarget } from './routes.js';
import { History, historyFile, type HistoryRecord } from './history.js';
import type { ForwardTarget, ListenController, ListenEvent, ListenListener } from './listen-events.js';
import type { AckMsg, AttemptMsg, EventMsg, IngestMsg, WelcomeMsg } from './protocol.js';
import { ReplayRecorder } from './replay-record.js';
import { headerRecord } from './ingest-forward.js';
import { displayBody, fromMsg, typeOf, viewOf, toHistory, type IngestItem } from './ingest-item.js';
import type { ReconnectPolicy } from './reconnect-policy.js';
import { RelayConnection } from './relay-connection.js';
import type { RelayApi } from './relay-api.js';
import { cursorKey, loadSessionId, saveSessionId } from './session-cursor.js';
import { EventLookup } from './event-lookup.js';
import { isoNow } from './iso-now.js';
import { setBounded } from '../util/bounded-map.js';

export interface ListenOptions {
  api: RelayApi;
  profile: string;
  targets: ForwardTarget[];
  events: string[]; // the session filter ('*' = everything)
  label?: string;
  sinceSec?: number;
  /** Keep the session on the server when this process exits (catch-up across restarts); else it is closed. */
  keepSession?: boolean;
  headers?: Record<string, string>;
  concurrency?: number;
  window?: number;
  forwardTimeoutMs?: number;
  policy?: ReconnectPolicy;
  /** Called with the session secret whenever it is first known or changes (the caller saves it). */
  onSecret?: (secret: string) => void;
  stateDir?: string;
  client?: string;
  /** Also receive this ingest channel's requests (forwarded as received, with --keep-path: to target + path). */
  ingest?: { channelId: string; url: string; keepPath?: boolean };
}

const BUFFER_LIMIT = 20_000;
// Acks of the latest forwards, sent again if the server re-sends one (its ack was lost). The server
// re-sends only what it has not seen acknowledged, at most its window (1024 at most) plus the acks
// still on their way: twice that is plenty. Each entry is an ack line of about 1 KB.
const DONE_LIMIT = 2_048;

export class ListenSessionRunner implements ListenController {
  private session!: ApiSession;
  private forwarder!: Forwarder;
  private queue!: ForwardQueue;
  private conn!: RelayConnection;
  private readonly history: History;
  private readonly lookup: EventLookup;
  private readonly replays: ReplayRecorder;
  private readonly listeners = new Set<ListenListener>();
  private readonly observers = new Set<ListenListener>();
  private buffer: ListenEvent[] | null = [];
  private epoch = 0;
  private readyEmitted = false;
  /**
   * Final acks of this relay session by seq (serialized: what is sent, and far smaller than the object
   * graph), so a re-sent event is re-acked instead of re-forwarded. Only acks the server may not have
   * seen matter, at most its credit window past its cursor, so a bound far above any window is enough;
   * an evicted one just means a duplicate forward, never a lost event.
   */
  private readonly done = new Map<number, string>();
  private highestDone: number | null = null;
  private stopped = false;
  private finished!: Promise<void>;
  private finish!: (err?: Error) => void;

  constructor(private readonly o: ListenOptions) {
    this.history = new History(historyFile(o.profile, o.stateDir), undefined, (err) => this.historyOff(err));
    this.lookup = new EventLookup(this.history, o.api);
    this.replays = new ReplayRecorder(o.api);
  }

  get secret(): string {
    return this.session.secret;
  }

  get sessionId(): string {
    return this.session.id;
  }

  /** Opens the session (throws a one-line error for a bad key or an unreachable API), then connects. */
  async start(): Promise<void> {
    this.finished = new Promise<void>((resolve, reject) => (this.finish = (err) => (err ? reject(err) : resolve())));
    this.finished.catch(() => undefined);
    const warm = warmUpForwarding(); // meanwhile the API opens the session
    this.session = await this.openSession();
    await warm;
    this.o.onSecret?.(this.session.secret);
    this.forwarder = new Forwarder({ secret: this.session.secret, headers: this.o.headers, timeoutMs: this.o.forwardTimeoutMs, keepPath: this.o.ingest?.keepPath });
    this.queue = new ForwardQueue({
      forwarder: this.forwarder,
      targets: this.o.targets,
      concurrency: this.o.concurrency ?? 1,
      emit: (e) => this.emit(e),
      onFinal: (item, url, out) => this.onFinal(item, url, out),
      onRetry: (item, url, out) => this.onRetry(item, url, out),
    });
    this.conn = new RelayConnection({
      apiKey: this.o.api.apiKey,
      wsUrl: () => this.session.ws_url,
      lastAckedSeq: () => this.watermark(),
      onState: (connection) => this.emit({ kind: 'connection', connection, at: Date.now() }),
      onWelcome: (w) => this.onWelcome(w),
      onEvent: (e) => this.onEvent(e),
      onIngest: (m) => this.onIngest(m),
      onSessionGone: (reason) => this.recreate(reason),
      onFatal: (message) => this.fail(message),
      onNotice: (message) => this.emit({ kind: 'error', message, fatal: false, at: Date.now() }),
      window: this.o.window,
      client: this.o.client,
      policy: this.o.policy,
    });
    this.conn.start();
    this.history.probe();
  }

  /** Said once: forwarding goes on, but `events replay` and search will not find these events. */
  private historyOff(err: NodeJS.ErrnoException): void {
    const why = err.code ?? err.message;
    const message = `history is off: cannot write ${this.history.file} (${why}); \`propitbox events replay\` will not find this session's events. Make its folder writable or set PROPITBOX_STATE_DIR`;
    this.emit({ kind: 'error', message, fatal: false, at: Date.now() });
  }

  /** --print-secret / --write-env without listening: the key's secret, and no session left behind
   *  (a session opened only to read it would collect every event until its backlog limit). */
  async resolveSecret(): Promise<string> {
    try {
      const secret = await this.o.api.getSecret();
      this.o.onSecret?.(secret);
      return secret;
    } finally {
      await this.o.api.close();
    }
  }

  /** Resolves after stop(); rejects with a FailedError when the session cannot go on. */
  wait(): Promise<void> {
    return this.finished;
  }

  subscribe(listener: ListenListener): () => void {
    this.listeners.add(listener);
    if (this.buffer) {
      for (const e of this.buffer) listener(e);
      this.buffer = null;
    }
    return () => this.listeners.delete(listener);
  }

  /** Internal watchers (exit conditions): see events live, never buffered. */
  observe(listener: ListenListener): void {
    this.observers.add(listener);
  }

  private emit(e: ListenEvent): void {
    for (const l of this.observers) l(e);
    if (this.buffer) {
      if (this.buffer.length < BUFFER_LIMIT) this.buffer.push(e);
    } else for (const l of this.listeners) l(e);
  }

  private async openSession(): Promise<ApiSession> {
    const key = this.cursorKey();
    const known = this.o.sinceSec ? undefined : loadSessionId(key, this.o.stateDir);
    if (known) {
      const s = await this.o.api.getSession(known);
      // Catch up on what arrived while we were away (a durable session, or one whose client died).
      if (s && !s.connected && s.durable === this.keep) return s;
    }
    const s = await this.o.api.createSession(this.sessionInput(this.o.sinceSec));
    saveSessionId(key, s.id, this.o.stateDir);
    return s;
  }

  private get keep(): boolean {
    return this.o.keepSession === true;
  }

  private sessionInput(since?: number) {
    const ingest = this.o.ingest ? { ingest_channels: [this.o.ingest.channelId] } : {};
    return { events: this.o.events, label: this.o.label, since, durable: this.keep, targets: this.o.targets.map((t) => t.url), ...ingest };
  }

  private async recreate(reason: string): Promise<void> {
    const old = this.session.secret;
    const s = await this.o.api.createSession(this.sessionInput());
    saveSessionId(this.cursorKey(), s.id, this.o.stateDir);
    this.session = s;
    this.epoch++;
    this.done.clear();
    this.highestDone = null;
    this.queue.clearWaiting();
    this.readyEmitted = false;
    this.emit({ kind: 'connection', connection: { state: 'session-recreated', sessionId: s.id, reason }, at: Date.now() });
    if (s.secret !== old) {
      this.forwarder.secret = s.secret;
      this.o.onSecret?.(s.secret);
      this.emit({ kind: 'error', message: 'The listen signing secret changed (the server data was reset or the secret rotated): update PROPITBOX_WEBHOOK_SECRET in your app', fatal: false, at: Date.now() });
    }
  }

  /** Sessions are reused per (relay, profile, filter, label, channel). */
  private cursorKey(): string {
    const channel = this.o.ingest ? [`ingest:${this.o.ingest.channelId}`] : [];
    return cursorKey(this.o.api.apiUrl, this.o.profile, [...this.o.events, ...channel], this.o.label);
  }

  private onWelcome(w: WelcomeMsg): void {
    for (const seq of this.done.keys()) {
      if (seq > w.resume_after) break;
      this.done.delete(seq);
    }
    if (this.readyEmitted) return;
    this.readyEmitted = true;
    const s = this.session;
    this.emit({ kind: 'ready', sessionId: s.id, wsUrl: s.ws_url, apiUrl: this.o.api.apiUrl, profile: this.o.profile, secret: s.secret, targets: this.o.targets, events: s.events, ingestUrl: this.o.ingest?.url });
  }

  private onEvent(m: EventMsg): void {
    const prior = this.done.get(m.seq);
    if (prior) return void this.conn.send(prior); // already forwarded: the ack was lost, not the work
    if (this.queue.has(m.seq)) return;
    this.lookup.remember({ id: m.id, type: m.type, created: m.created, body: m.body });
    this.replays.note(m.id, m.delivery_id);
    this.emit({ kind: 'event', id: m.id, seq: m.seq, type: m.type, created: m.created, body: m.body, receivedAt: Date.now() });
    this.queue.push({ epoch: this.epoch, seq: m.seq, id: m.id, type: m.type, body: m.body });
  }

  private onIngest(m: IngestMsg): void {
    const prior = this.done.get(m.seq);
    if (prior) return void this.conn.send(prior);
    if (this.queue.has(m.seq)) return;
    if (m.missing) {
      // Expired on the relay before it reached us: nothing to forward; the ack lets the log move on.
      return this.sendFinal({ t: 'ack', seq: m.seq, event_id: m.id, url: '', status_code: null, duration_ms: 0, error: 'the relay no longer has this request (expired)' });
    }
    const item = fromMsg(m);
    const type = typeOf(item);
    const text = displayBody(item);
    this.lookup.remember({ id: m.id, type, created: m.received_at, body: text, ingest: item });
    this.emit({ kind: 'event', id: m.id, seq: m.seq, type, created: m.received_at, body: text, receivedAt: Date.now(), ingest: viewOf(item), raw: item.body });
    this.queue.push({ epoch: this.epoch, seq: m.seq, id: m.id, type, body: text, ingest: item });
  }

  private onFinal(item: QueueItem, url: string, out: ForwardOutcome): void {
    if (item.epoch === this.epoch) {
      // An ingest channel may pass the local answer on to its sender (wait_for_response): keep more of it.
      const excerpt = item.ingest ? 20 * 1024 : 2048;
      this.sendFinal({ t: 'ack', seq: item.seq, event_id: item.id, url, status_code: out.status, duration_ms: out.durationMs, error: out.error?.line ?? null, response_headers: out.headers, response_body: out.body.slice(0, excerpt), request_headers: out.requestHeaders });
    }
    this.record(item.id, item.type, item.body, item.seq, url, out, false, item.ingest);
  }

  /** A held event's failed try goes to the Event Logs too (the delivery stays pending). */
  private onRetry(item: QueueItem, url: string, out: ForwardOutcome): void {
    if (item.epoch !== this.epoch) return;
    const msg: AttemptMsg = { t: 'attempt', seq: item.seq, event_id: item.id, url, status_code: out.status, duration_ms: out.durationMs, error: out.error?.line ?? null, request_headers: out.requestHeaders };
    this.conn.send(JSON.stringify(msg));
  }

  /** Ack a final outcome, remembered so a re-sent seq is re-acked instead of forwarded again. */
  private sendFinal(msg: AckMsg): void {
    const ack = JSON.stringify(msg);
    setBounded(this.done, msg.seq, ack, DONE_LIMIT);
    if (this.highestDone === null || msg.seq > this.highestDone) this.highestDone = msg.seq;
    this.conn.send(ack);
  }

  private record(id: string, type: string, body: string, seq: number | null, url: string, out: ForwardOutcome, replay: boolean, ingest?: IngestItem): void {
    const created = this.lookup.created(id) || (ingest?.receivedAt ?? '');
    const rec: HistoryRecord = { v: 1, at: isoNow(), id, type, created, seq, body, url, status: out.status, duration_ms: out.durationMs, error: out.error?.line ?? null, replay };
    if (ingest) rec.ingest = toHistory(ingest); // not spread: a copy of the record per event
    this.history.append(rec);
    this.lookup.outcome(id, out.status);
  }

  /** Everything up to here is final (server resumes after min(this, its own cursor)). */
  private watermark(): number | null {
    const low = this.queue.lowestOpenSeq();
    return low !== null ? low - 1 : this.highestDone;
  }

  private fail(message: string): void {
    this.emit({ kind: 'error', message, fatal: true, at: Date.now() });
    void this.shutdown().then(() => this.finish(new FailedError(message)));
  }

  // ---- ListenController ----

  async replay(eventId: string): Promise<void> {
    const ev = await this.lookup.find(eventId);
    if (!ev) throw new FailedError(`Event ${eventId} is not in the local history or the API`);
    if (ev.ingest) return this.sendIngest(ev.id, ev.type, ev.ingest);
    await this.send(ev.id, ev.type, ev.body);
  }

  async replayFailed(): Promise<number> {
    const ids = this.lookup.failedIds();
    for (const id of ids) await this.replay(id);
    return ids.length;
  }

  async replayBody(eventId: string, body: string): Promise<void> {
    const ev = await this.lookup.find(eventId);
    // An ingested request is re-sent with its own headers and the edited bytes (its sender signed the
    // original; no propitbox signature is added).
    if (ev?.ingest) return this.sendIngest(eventId, ev.type, { ...ev.ingest, body: Buffer.from(body, 'utf8') });
    let type = ev?.type;
    if (!type) type = String((JSON.parse(body) as { type?: unknown }).type ?? '');
    await this.send(eventId, type, body);
  }

  private async send(id: string, type: string, body: string): Promise<void> {
    const url = pickTarget(this.o.targets, type);
    if (!url) throw new FailedError(`No --route or --forward-to target for ${type}`);
    const attemptId = nextAttemptId();
    // One more attempt of the session delivery it repeats: its number, and its outcome in the Event Logs.
    const target = await this.replays.target(id, url);
    const requestHeaders = this.forwarder.sign({ id, type, body, attempt: target.attempt });
    this.emit({ kind: 'attempt', eventId: id, attemptId, url, requestHeaders, body, replay: true, at: Date.now() });
    const out = await this.forwarder.forward(url, { id, type, body }, requestHeaders);
    this.emit({ kind: 'response', eventId: id, attemptId, url, status: out.status, durationMs: out.durationMs, headers: out.headers, body: out.body, error: out.error?.line ?? null, willRetry: false, at: Date.now() });
    this.record(id, type, body, null, url, out, true);
    const warning = target.deliveryId ? await this.replays.record(target.deliveryId, { ...out, error: out.error?.line ?? null, requestHeaders }) : null;
    if (warning) this.emit({ kind: 'error', message: warning, fatal: false, at: Date.now() });
  }

  private async sendIngest(id: string, type: string, item: IngestItem): Promise<void> {
    const target = pickTarget(this.o.targets, type);
    if (!target) throw new FailedError(`No --route or --forward-to target for ${type}`);
    const attemptId = nextAttemptId();
    const req = this.forwarder.ingestRequest(target, id, item);
    const text = displayBody(item);
    this.emit({ kind: 'attempt', eventId: id, attemptId, url: req.url, requestHeaders: headerRecord(req.headers), body: text, replay: true, at: Date.now(), method: req.method });
    const out = await new Promise<ForwardOutcome>((resolve) => this.forwarder.sendIngest(req, resolve));
    this.emit({ kind: 'response', eventId: id, attemptId, url: req.url, status: out.status, durationMs: out.durationMs, headers: out.headers, body: out.body, error: out.error?.line ?? null, willRetry: false, at: Date.now(), method: req.method });
    this.record(id, type, text, null, req.url, out, true, item);
  }

  setPaused(paused: boolean): void {
    this.queue.setPaused(paused);
    this.emit({ kind: 'paused', paused, at: Date.now() });
  }

  findEvent(eventId: string): Promise<{ id: string; type: string; body: string } | null> {
    return this.lookup.find(eventId);
  }

  search(query: string, limit: number): Promise<Array<{ id: string; type: string; created: string; status: number | null }>> {
    return this.lookup.search(query, limit);
  }

  /** Intentional close: stop taking events, finish in-flight POSTs, send their acks, close the socket. */
  async stop(): Promise<void> {
    await this.shutdown();
    this.finish();
  }

  /** POSTs to receivers that have not finished yet. */
  inFlight(): number {
    return this.queue?.activeCount ?? 0;
  }

  /** Cut in-flight forwards short (they end as connection errors and stay unacknowledged). */
  abort(): void {
    this.forwarder?.destroy();
  }

  private async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.queue?.drain();
    await this.conn?.close();
    // Closed, not abandoned: its unacknowledged events fail with the reason instead of waiting for a
    // client that is not coming back (and holding up every `trigger --wait`).
    if (this.session && !this.keep) await bounded(this.o.api.deleteSession(this.session.id), 3_000);
    this.history.close();
    await this.forwarder?.close();
    await this.o.api.close();
  }
}

/** Best effort within `ms`: quitting must not hang on an API that stopped answering. */
async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
