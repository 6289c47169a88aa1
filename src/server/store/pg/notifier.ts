// Notifications between nodes: NOTIFY after commit, on one channel per schema, coalesced per tick (a
// burst of 1,000 events to one session is one message), chunked under PostgreSQL's 8,000-byte payload
// limit. One dedicated connection LISTENs; if it drops it reconnects with backoff and says "work" (a
// missed NOTIFY is never replayed, which is why engines and sockets also poll as a backstop).
import type pg from 'pg';
import { LocalNotifier } from '../notifier.js';
import type { BusMessage, NotifierEvents } from '../store.js';
import type { Pool, PoolOptions } from './db.js';
import { newClient } from './db.js';

interface Wire {
  n: string; // sending node
  s?: string[]; // sessions
  w?: 1; // work
  c?: [string, number, string][]; // session-claimed
  d?: string[]; // session-deleted
  r?: string[]; // secret-rotated
  k?: 1; // keys
  b?: BusMessage[];
}

const MAX_PAYLOAD = 7_000;
/** A node with live views refreshes its presence this often; it counts for three times as long. */
const PRESENCE_MS = 10_000;
/** How often a node checks whether another has live views open. */
const PRESENCE_CHECK_MS = 2_000;

export class PgNotifier extends LocalNotifier {
  private pending: Omit<Wire, 'n'> = {};
  private scheduled = false;
  private client: pg.Client | null = null;
  private closed = false;
  private retryMs = 250;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private presenceTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  othersWatching = false;
  /** Nodes alive on this database (this one included), refreshed with the presence checks. */
  liveNodes = 1;
  readonly channel: string;

  constructor(
    private readonly pool: Pool,
    private readonly opts: PoolOptions,
    private readonly node: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    super();
    this.channel = `propitbox_${opts.schema ?? 'public'}`;
  }

  async start(): Promise<void> {
    const c = newClient({ ...this.opts, applicationName: 'propitbox-listen' });
    c.on('notification', (m) => m.channel === this.channel && m.payload && this.receive(m.payload));
    c.on('error', () => this.lost(c));
    c.on('end', () => this.lost(c));
    await c.connect();
    await c.query(`LISTEN ${this.channel}`);
    this.client = c;
    this.retryMs = 250;
    if (!this.checkTimer) {
      let beat = 0;
      const check = async () => {
        const now = Date.now();
        // This node is alive (every few checks), and how many are.
        if (beat++ % Math.round(PRESENCE_MS / PRESENCE_CHECK_MS) === 0) {
          await this.pool.query('INSERT INTO node_presence (node, until) VALUES ($1, $2) ON CONFLICT (node) DO UPDATE SET until = excluded.until', [this.node, now + 3 * PRESENCE_MS]);
        }
        const { rows } = await this.pool.query<{ on: boolean; nodes: number }>(
          'SELECT EXISTS (SELECT 1 FROM stream_presence WHERE until > $1 AND node <> $2) AS on, (SELECT count(*)::int FROM node_presence WHERE until > $1) AS nodes',
          [now, this.node],
        );
        this.othersWatching = rows[0].on;
        this.liveNodes = Math.max(1, rows[0].nodes);
      };
      const tick = () => void check().catch(() => undefined);
      this.checkTimer = setInterval(tick, PRESENCE_CHECK_MS);
      this.checkTimer.unref();
      await check().catch(() => undefined);
    }
  }

  /** Live views opened here (or all closed): other nodes send (or stop sending) `bus` messages. */
  watching(on: boolean): void {
    const say = () => void this.pool.query('INSERT INTO stream_presence (node, until) VALUES ($1, $2) ON CONFLICT (node) DO UPDATE SET until = excluded.until', [this.node, Date.now() + 3 * PRESENCE_MS]).catch(() => undefined);
    if (on && !this.presenceTimer) {
      say();
      this.presenceTimer = setInterval(say, PRESENCE_MS);
      this.presenceTimer.unref();
    } else if (!on && this.presenceTimer) {
      clearInterval(this.presenceTimer);
      this.presenceTimer = null;
      void this.pool.query('DELETE FROM stream_presence WHERE node = $1', [this.node]).catch(() => undefined);
    }
  }

  override publish<K extends keyof NotifierEvents>(event: K, ...args: NotifierEvents[K]): void {
    super.publish(event, ...args);
    const p = this.pending;
    switch (event) {
      case 'sessions':
        p.s = [...new Set([...(p.s ?? []), ...(args[0] as string[])])];
        break;
      case 'work':
        p.w = 1;
        break;
      case 'session-claimed':
        (p.c ??= []).push(args as unknown as [string, number, string]);
        break;
      case 'session-deleted':
        (p.d ??= []).push(args[0] as string);
        break;
      case 'secret-rotated':
        (p.r ??= []).push(args[0] as string);
        break;
      case 'keys':
        p.k = 1;
        break;
      case 'bus':
        // Only worth a NOTIFY when some other node has a live view open.
        if (!this.othersWatching) return;
        (p.b ??= []).push(args[0] as BusMessage);
        break;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.watching(false);
    await this.pool.query('DELETE FROM node_presence WHERE node = $1', [this.node]).catch(() => undefined);
    await this.flush();
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const p = this.pending;
    this.pending = {};
    for (const payload of chunks({ n: this.node, ...p })) {
      try {
        await this.pool.query('SELECT pg_notify($1, $2)', [this.channel, payload]);
      } catch (err) {
        // Other nodes will find the change by their backstop poll.
        this.log(`could not notify other nodes: ${(err as Error).message}`);
      }
    }
  }

  private receive(payload: string): void {
    let m: Wire;
    try {
      m = JSON.parse(payload) as Wire;
    } catch {
      return;
    }
    if (m.n === this.node) return; // told locally at publish time
    if (m.s?.length) this.emit('sessions', m.s);
    if (m.w) this.emit('work');
    for (const [id, epoch, node] of m.c ?? []) this.emit('session-claimed', id, epoch, node);
    for (const id of m.d ?? []) this.emit('session-deleted', id);
    for (const owner of m.r ?? []) this.emit('secret-rotated', owner);
    if (m.k) this.emit('keys');
    for (const b of m.b ?? []) this.emit('bus', b);
  }

  private lost(c: pg.Client): void {
    if (this.client !== c && this.client !== null) return;
    this.client = null;
    c.removeAllListeners('end');
    c.end().catch(() => undefined);
    if (this.closed || this.reconnectTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(10_000, this.retryMs * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed) return;
      this.start().then(
        () => {
          // Whatever was notified while we were away: look again.
          this.emit('work');
          this.emit('keys');
        },
        (err: Error) => {
          this.log(`LISTEN connection to PostgreSQL lost, retrying: ${err.message}`);
          this.lost(c);
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }
}

/** The message split into payloads that each fit one NOTIFY. */
export function chunks(m: Wire): string[] {
  const whole = JSON.stringify(m);
  if (whole.length <= MAX_PAYLOAD) return Object.keys(m).length > 1 ? [whole] : [];
  const out: string[] = [];
  const base = { n: m.n };
  if (m.w || m.k) out.push(JSON.stringify({ ...base, ...(m.w ? { w: 1 } : {}), ...(m.k ? { k: 1 } : {}) }));
  for (const key of ['s', 'c', 'd', 'r', 'b'] as const) {
    const list = (m[key] ?? []) as unknown[];
    let part: unknown[] = [];
    let size = 0;
    for (const item of list) {
      const len = JSON.stringify(item).length + 1;
      if (part.length && size + len > MAX_PAYLOAD - 100) {
        out.push(JSON.stringify({ ...base, [key]: part }));
        part = [];
        size = 0;
      }
      part.push(item);
      size += len;
    }
    if (part.length) out.push(JSON.stringify({ ...base, [key]: part }));
  }
  return out;
}
