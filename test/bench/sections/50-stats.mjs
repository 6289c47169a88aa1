// GET /v1/stats at 100,000 stored attempts: the emulator in-process on a seeded data dir, each query
// timed over HTTP (median of 7 after a warm-up) and as CPU of the process. The attempts are spread
// over the last 24 h across 10 endpoints and 3 event types (90% delivered at once, 10% with two
// retried failures first), written through the delivery store as the engine writes them.
// Target: a dashboard refresh (1 h window) well under 50 ms; the heaviest (24 h, every attempt) under 500 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ATTEMPTS = +(process.env.BENCH_STATS_ATTEMPTS ?? 100_000);
const RUNS = 7;
const KEY = 'ppk_test_bench0000000000000000';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run() {
  const dist = new URL('../../../dist/', import.meta.url);
  const { startEmulator } = await import(new URL('server/emulator.js', dist).href);
  const { applyAttempt } = await import(new URL('server/store/deliveries.js', dist).href);
  const dataDir = mkdtempSync(join(tmpdir(), 'propitbox-bench-stats-'));
  const emu = await startEmulator({ port: 0, dataDir, apiKey: KEY, retrySchedule: [1000] });
  try {
    const api = (method, path, body) => fetch(`${emu.url}${path}`, { method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    // Real (disabled) endpoints, so the endpoint filter finds them; the seeded deliveries are all settled.
    const endpoints = [];
    for (let i = 0; i < 10; i++) {
      const ep = await api('POST', '/v1/webhooks', { url: `http://127.0.0.1:9/hook${i}`, events: ['*'] });
      await api('POST', `/v1/webhooks/${ep.id}/disable`, {});
      endpoints.push(ep.id);
    }
    const now = Date.now();
    const types = ['vehicle.created', 'parts.inventory.low', 'maintenance.task.created'];
    const headers = { 'content-type': 'application/json', 'user-agent': 'propitbox-emulator', 'webhook-id': 'evt_0123456789', 'webhook-timestamp': '1735122600', 'webhook-signature': `v1,${'x'.repeat(44)}`, 'x-propitbox-signature': 'a'.repeat(64) };
    const seedStart = performance.now();
    let written = 0;
    let n = 0;
    while (written < ATTEMPTS) {
      const batch = [];
      emu.db.transaction(() => {
        for (let k = 0; k < 500 && written < ATTEMPTS; k++, n++) {
          let d = emu.store.deliveryStore.createForEndpoint({ id: `evt_b${n}`, type: types[n % 3] }, { id: endpoints[n % 10], url: 'http://127.0.0.1:9/hook' });
          const t = now - Math.floor(Math.random() * 86_400_000);
          const codes = n % 10 === 0 ? [500, 500, 200] : [200];
          codes.forEach((code, i) => {
            if (written >= ATTEMPTS) return;
            const last = i === codes.length - 1;
            const a = { started_at: new Date(t + i * 1000).toISOString(), duration_ms: 5 + Math.floor(Math.random() * 200), status_code: code, error: null, request_headers: headers, response_headers: { 'content-type': 'text/plain' }, response_body: 'OK', manual: false };
            const r = applyAttempt(d, a, code === 200 ? 'succeeded' : 'failed', last ? null : t + (i + 1) * 1000);
            batch.push(r);
            d = r.row;
            written++;
          });
        }
      })();
      emu.store.deliveryStore.recordResults(batch);
    }
    console.log(`  seeded ${written} attempts (${n} deliveries) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    const call = async (q) => {
      const t = performance.now();
      const res = await fetch(`${emu.url}/v1/stats?${q}`, { headers: { authorization: `Bearer ${KEY}` } });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${q}: ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, body };
    };
    const queries = ['window=15m', 'window=1h', 'window=24h', 'window=24h&bucket=3m', `window=1h&endpoint=${endpoints[3]}`, `window=24h&endpoint=${endpoints[3]}`, 'window=24h&event_type=parts.inventory.low'];
    for (const q of queries) {
      await call(q);
      const times = [];
      let body;
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < RUNS; i++) ({ ms: times[i], body } = await call(q));
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000 / RUNS;
      console.log(`  ${q.replace(endpoints[3], 'we_…').padEnd(42)} ${String(body.buckets.length).padStart(3)} buckets, ${String(body.total.attempts).padStart(6)} attempts: median ${median(times).toFixed(1)} ms, CPU ${cpuMs.toFixed(1)} ms per call`);
    }
  } finally {
    await emu.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
