// `events replay EVT_ID`: re-sign an event with a fresh timestamp and POST it to a local app. The body
// comes from the local listen history (works after a restart, without the API), else from
// GET /v1/events/:id. The replay is logged to the history; the reporter it is handed shows the answer.
import type { ResolvedConfig } from '../config/resolve.js';
import { FailedError, UsageError } from '../errors.js';
import type { ForwardReporter } from '../output/forward-report.js';
import { History, historyFile, findInHistory, type HistoryRecord } from '../relay/history.js';
import { checkTargetUrl, RouteError } from '../relay/routes.js';
import { noAnswerError, pickSecret } from './forward-once.js';
import { stderr } from '../util/io.js';

export interface ReplayOptions {
  id: string;
  /** Default: where `webhooks listen` last sent it. */
  forwardTo?: string;
  secret?: string;
  /** For the whole answer (default 30 s). */
  timeoutMs?: number;
  config: Pick<ResolvedConfig, 'profileName' | 'profile' | 'apiUrl' | 'apiKey'>;
}

export async function replayEvent(o: ReplayOptions, report: ForwardReporter): Promise<void> {
  const { config: cfg, id } = o;
  const file = historyFile(cfg.profileName);
  const found = (await findInHistory(file, id)) ?? (id.startsWith('req_') ? await fromRelay(cfg, id) : cfg.apiKey ? await fromApi(cfg.apiUrl, cfg.apiKey, id) : null);
  if (!found) throw new FailedError(`Event ${id} is not in the local history (${file}) nor in the API`, cfg.apiKey ? 'check the id with `propitbox events list`' : 'run `propitbox login` to look it up in the API');
  const url = o.forwardTo ?? (found.url || undefined);
  if (!url) throw new UsageError('--forward-to URL is required (this event was never forwarded from this machine)');
  try {
    checkTargetUrl(url, '--forward-to');
  } catch (e) {
    if (e instanceof RouteError) throw new UsageError(e.message);
    throw e;
  }
  const timeoutMs = o.timeoutMs ?? 30_000;
  const ingested = !!found.ingest || id.startsWith('req_');
  // A replay is one more attempt of the session delivery it repeats (its number, and its outcome in the Event Logs).
  const recorder = !ingested && cfg.apiKey ? await replayRecorder(cfg.apiUrl, cfg.apiKey) : null;
  const target = recorder ? await recorder.rec.target(found.id, url) : { deliveryId: null, attempt: 1 };
  const r = ingested ? await replayIngested(o, found, url, timeoutMs) : await replaySigned(o, found, url, timeoutMs, target.attempt);
  let warning: string | null = null;
  if (recorder) {
    if (target.deliveryId) warning = await recorder.rec.record(target.deliveryId, { status: r.status_code, durationMs: r.duration_ms, error: r.error, requestHeaders: r.request_headers ?? {}, headers: r.response_headers, body: r.response_body });
    await recorder.close();
  }
  const history = new History(file);
  history.append({ ...found, v: 1, at: new Date().toISOString(), url, status: r.status_code, duration_ms: r.duration_ms, error: r.error, replay: true });
  history.close();
  report.result(r, `${found.type} ${found.id} (replay)`);
  report.done([r]);
  if (warning) stderr().write(`warning: ${warning}\n`);
  if (r.status_code === null) throw noAnswerError(r, timeoutMs);
  if (r.status_code < 200 || r.status_code >= 300) throw new FailedError(`Receiver at ${url} answered ${r.status_code} (not 2xx)`);
}

async function replayRecorder(apiUrl: string, apiKey: string) {
  const { RelayApi } = await import('../relay/relay-api.js');
  const { ReplayRecorder } = await import('../relay/replay-record.js');
  const api = new RelayApi(apiUrl, apiKey);
  return { rec: new ReplayRecorder(api), close: () => api.close() };
}

async function replaySigned(o: ReplayOptions, found: HistoryRecord, url: string, timeoutMs: number, attempt: number) {
  const secret = pickSecret({ secret: o.secret, profileSecret: o.config.profile.listen_secret });
  const { Signer } = await import('../signing/signer.js');
  const { signedPost } = await import('./signed-post.js');
  const signer = new Signer(secret, 'ProPitbox-Webhooks/1.0 (propitbox replay)');
  return signedPost({ url, event: found, body: found.body, signer, timeoutMs, attempt });
}

/** An ingested request goes again as it came (no signature): from the history, else from the relay. */
async function replayIngested(o: ReplayOptions, found: HistoryRecord, url: string, timeoutMs: number) {
  const { fromApi: itemFromApi, fromHistory } = await import('../relay/ingest-item.js');
  let item = found.ingest ? fromHistory(found.ingest, found.type) : null;
  if (!item) {
    const r = await relayRequest(o.config, found.id);
    if (!r) throw new FailedError(`Request ${found.id} is no longer on the relay (kept 7 days) and its body was too big for the local history`);
    item = itemFromApi(r);
  }
  const { rawPost } = await import('./raw-post.js');
  return rawPost({ url, id: found.id, type: found.type, item, timeoutMs });
}

/** An ingested request from the relay (--relay / PROPITBOX_RELAY_URL / profile, else the API). */
async function relayRequest(cfg: ReplayOptions['config'], id: string) {
  const { resolveRelay } = await import('../config/relay.js');
  const relay = resolveRelay(cfg, {});
  if (!relay.key) return null;
  const { RelayApi } = await import('../relay/relay-api.js');
  const api = new RelayApi(relay.url, relay.key);
  return api.getIngestRequest(id).finally(() => api.close());
}

async function fromRelay(cfg: ReplayOptions['config'], id: string): Promise<HistoryRecord | null> {
  const r = await relayRequest(cfg, id);
  if (!r) return null;
  const { fromApi: itemFromApi, displayBody, toHistory } = await import('../relay/ingest-item.js');
  const item = itemFromApi(r);
  return { v: 1, at: '', id: r.id, type: r.event_type ?? 'ingest', created: r.received, seq: null, body: displayBody(item), url: '', status: null, duration_ms: 0, error: null, replay: false, ingest: toHistory(item) };
}

async function fromApi(apiUrl: string, apiKey: string, id: string): Promise<HistoryRecord | null> {
  const { RelayApi } = await import('../relay/relay-api.js');
  const api = new RelayApi(apiUrl, apiKey);
  const ev = await api.getEvent(id).finally(() => api.close());
  if (!ev) return null;
  return { v: 1, at: '', id: ev.id, type: ev.type, created: ev.created, seq: null, body: JSON.stringify(ev), url: '', status: null, duration_ms: 0, error: null, replay: false };
}
