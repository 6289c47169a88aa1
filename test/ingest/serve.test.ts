// `propitbox serve` as a real process: explicit key, JSON logs without secrets, health, no profile,
// SIGTERM within 5 s, and ingest requests answered 202 survive kill -9.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli, type LiveCli } from '../helpers/run-cli.js';
import { SERVE_KEY, startServe } from '../helpers/serve.js';

const running: LiveCli[] = [];
afterEach(async () => {
  for (const l of running.splice(0)) await l.stop('SIGKILL');
});

describe('propitbox serve', () => {
  it('refuses to start without an explicit key (never generates one)', async () => {
    const r = await runCli(['serve', '--port', '0'], { env: isolatedEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs an API key: pass --api-key KEY or set PROPITBOX_API_KEY/);
    const weak = await runCli(['serve', '--port', '0', '--api-key', 'short'], { env: isolatedEnv() });
    expect(weak.code).toBe(2);
    const badUrl = await runCli(['serve', '--public-url', 'https://relay.example.com/sub', '--api-key', SERVE_KEY], { env: isolatedEnv() });
    expect(badUrl.stderr).toMatch(/--public-url must be an origin without a path/);
  });

  it('logs one JSON line per request and per delivery attempt with no secrets, uses --public-url, writes no profile, stops on SIGTERM', async () => {
    const env = isolatedEnv({ PROPITBOX_API_KEY: SERVE_KEY });
    const s = await startServe(mkdtempSync(join(tmpdir(), 'propitbox-serve-')), env, ['--public-url', 'https://relay.example.com']);
    running.push(s.live);
    expect((await s.api('GET', '/v1/health')).body).toMatchObject({ ok: true, store: { ok: true } });
    const ch = (await s.api('POST', '/v1/ingest-channels', {})).body as { url: string };
    expect(ch.url).toMatch(/^https:\/\/relay\.example\.com\/in\/[a-z2-7]{26}$/);
    const token = ch.url.split('/in/')[1];
    const local = ch.url.replace('https://relay.example.com', s.url);
    expect((await fetch(`${local}/hook?sig=topsecret`, { method: 'POST', body: 'x' })).status).toBe(202);
    const session = (await s.api('POST', '/v1/listen-sessions', { events: ['*'] })).body as { ws_url: string };
    expect(session.ws_url).toMatch(/^wss:\/\/relay\.example\.com\/v1\/listen-sessions\//);
    await s.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook?token=abc', events: ['*'] });
    await s.api('POST', '/v1/events', { type: 'vehicle.created' });
    const lines = () => s.live.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    await s.live.waitForStdout(/"kind":"delivery".*"attempt":2/);
    const reqLine = lines().find((l) => l.kind === 'request' && String(l.path).startsWith('/in/'));
    expect(reqLine).toMatchObject({ method: 'POST', status: 202, path: `/in/${token.slice(0, 4)}…/hook` });
    const delivery = lines().find((l) => l.kind === 'delivery')!;
    expect(delivery).toMatchObject({ event_type: 'vehicle.created', url: 'http://127.0.0.1:9/hook', attempt: 1, status: 'pending' });
    expect(s.live.stdout()).not.toContain(token);
    expect(s.live.stdout()).not.toContain(SERVE_KEY);
    expect(s.live.stdout()).not.toContain('topsecret');
    expect(s.live.stdout()).not.toContain('token=abc');
    const started = Date.now();
    expect(await s.live.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lines().at(-1)).toMatchObject({ kind: 'stopped' });
    expect(existsSync(env.PROPITBOX_CONFIG_DIR!) ? readdirSync(env.PROPITBOX_CONFIG_DIR!) : []).toEqual([]);
  });

  it('loses no ingested request to kill -9 after the 202s: all are there after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'propitbox-serve-'));
    const first = await startServe(dataDir);
    running.push(first.live);
    const ch = (await first.api('POST', '/v1/ingest-channels', {})).body as { id: string; url: string };
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          const r = await fetch(`${ch.url}/w${w}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ w, i }) });
          expect(r.status).toBe(202);
          ids.push(((await r.json()) as { id: string }).id);
        }
      }),
    );
    await first.live.stop('SIGKILL');
    const second = await startServe(dataDir);
    running.push(second.live);
    const stored: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await second.api('GET', `/v1/ingest-channels/${ch.id}/requests?limit=100${after ? `&starting_after=${after}` : ''}`)).body as { data: { id: string }[]; has_more: boolean };
      stored.push(...page.data.map((d) => d.id));
      if (!page.has_more) break;
      after = page.data.at(-1)!.id;
    }
    expect(stored.length).toBe(200);
    expect(new Set(stored)).toEqual(new Set(ids));
  });
});
