import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
const { startDevEmulator, startListen, startReceiver, pct, now, sleep } = await import('/work/wt/lead/test/bench/lib/harness.mjs');
const KEY = 'ppk_test_bench_e2e_0123456789abcd';
const home = mkdtempSync(join(tmpdir(), 'pb-paced-'));
const env = { PATH: process.env.PATH, HOME: home, PROPITBOX_CONFIG_DIR: join(home, 'config'), PROPITBOX_STATE_DIR: join(home, 'state'), NO_COLOR: '1' };
const recv = await startReceiver();
const emu = await startDevEmulator({ dataDir: join(home, 'data'), apiKey: KEY, env });
const agent = new Agent({ keepAliveTimeout: 30000, connections: 64 });
for (let round = 0; round < 2; round++) {
const listen = await startListen({ apiUrl: emu.url, apiKey: KEY, env, args: ['--forward-to', recv.url, '--concurrency', '1'] });
const SEC = 8, RATE = 500, n = SEC * RATE;
const sent = new Map(), api = new Map();
const base = recv.answered.size;
const start = performance.now(); const pending = [];
for (let i = 0; i < n; i++) {
  const wait = start + (i * 1000) / RATE - performance.now();
  if (wait > 1) await sleep(wait);
  const id = `evt_q${round}_${i}`; const t = now(); sent.set(id, t);
  pending.push(request(`${emu.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: `{"id":"${id}","type":"vehicle.created","data":{"i":${i}}}`, dispatcher: agent }).then(async (r) => { await r.body.text(); api.set(id, now() - t); }));
}
await Promise.all(pending); await recv.until(base + n);
const bySec = [];
let i = 0;
for (const [id, t] of sent) { const s = Math.floor(i++ / RATE); (bySec[s] ??= { e2e: [], api: [] }); bySec[s].e2e.push(recv.answered.get(id) - t); bySec[s].api.push(api.get(id)); }
console.log(`round ${round}: per second p50/p99/max e2e | api p99/max`);
bySec.forEach((b, s) => console.log(`  s${s} ${pct(b.e2e,50).toFixed(2)} / ${pct(b.e2e,99).toFixed(1)} / ${Math.max(...b.e2e).toFixed(1)} | ${pct(b.api,99).toFixed(1)} / ${Math.max(...b.api).toFixed(1)}`));
await listen.stop();
}
await emu.stop(); await recv.close(); await agent.close();
