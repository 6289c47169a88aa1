// The few API calls a listen session needs, over the CLI's one API client (src/api/client.ts), so
// errors read the same everywhere. A session or event that is gone is `null`, not an error: the
// session re-creates itself, replay falls back to history.
import { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { deliveries, events, listenSessions, type ListenSessionInput, type ReportedAttempt } from '../api/resources.js';
import { ingestChannels } from '../api/ingest.js';
import type { IngestRequest } from '../contract/ingest.js';
import type { Delivery, ListenSession, WebhookEvent } from '../contract/v1.js';

export type CreateSessionInput = ListenSessionInput;

export class RelayApi {
  private readonly client: ApiClient;
  private readonly sessions: ReturnType<typeof listenSessions>;
  private readonly events: ReturnType<typeof events>;
  private readonly deliveries: ReturnType<typeof deliveries>;
  private readonly ingest: ReturnType<typeof ingestChannels>;

  constructor(readonly apiUrl: string, readonly apiKey: string) {
    this.client = new ApiClient({ apiUrl, apiKey, timeoutMs: 15_000 });
    this.sessions = listenSessions(this.client);
    this.events = events(this.client);
    this.deliveries = deliveries(this.client);
    this.ingest = ingestChannels(this.client);
  }

  createSession(input: CreateSessionInput): Promise<ListenSession> {
    return this.sessions.create(input);
  }

  getSession(id: string): Promise<ListenSession | null> {
    return nullOn404(this.sessions.get(id));
  }

  async deleteSession(id: string): Promise<void> {
    await nullOn404(this.sessions.delete(id));
  }

  async getSecret(): Promise<string> {
    return (await this.sessions.secret()).secret;
  }

  getEvent(id: string): Promise<WebhookEvent | null> {
    return nullOn404(this.events.get(id));
  }

  /** A stored ingest request with its exact body (replay after the history dropped the bytes). */
  getIngestRequest(id: string): Promise<IngestRequest | null> {
    return nullOn404(this.ingest.request(id));
  }

  getDelivery(id: string): Promise<Delivery | null> {
    return nullOn404(this.deliveries.get(id));
  }

  /** The listen-session deliveries of an event (the ones a replay can be recorded on). */
  async sessionDeliveries(eventId: string): Promise<Delivery[]> {
    return (await this.deliveries.list({ event_id: eventId, limit: 100 })).data.filter((d) => d.session_id !== null);
  }

  async recordAttempt(deliveryId: string, a: ReportedAttempt): Promise<void> {
    await this.deliveries.recordAttempt(deliveryId, a);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

async function nullOn404<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}
