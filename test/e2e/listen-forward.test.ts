// `propitbox webhooks listen` against a real emulator and real receivers: in-process (main(argv, io)),
// and as a real process where signals are the subject.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv, spawnCli, type LiveCli, type LiveRun } from '../helpers/run-cli.js';
import { runInProcess, startInProcess } from '../helpers/run-in-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { standardSignature } from '../../src/signing/sign.js';

// The seed's own receiver check: HMAC over JSON.stringify(req.body), i.e. a re-serialized body.
function seedVerify(rawBody: string, signature: string, secret: string): boolean {
  const payload = JSON.stringify(JSON.parse(rawBody));
  const expected = createHmac('sha256', secret).update(payload).digest('hex');
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

let emu: TestEmulator;
const cleanup: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});
afterAll(async () => {
  await emu?.close();
});

function envFor(extra: Record<string, string> = {}) {
  return isolatedEnv({ PROPITBOX_API_URL: emu.url, PROPITBOX_API_KEY: emu.apiKey, ...extra });
}
async function receiver(respond?: Receiver['respond'], port = 0) {
  const r = await startReceiver(respond, port);
  cleanup.push(() => r.close());
  return r;
}
/** In this process (main(argv, io)): what listen does with events, its output and exit rules. */
function listen(args: string[], env = envFor()): LiveRun {
  const l = startInProcess(['webhooks', 'listen', '--no-tui', ...args], { env });
  cleanup.push(() => l.stop('SIGKILL'));
  return l;
}
/** As a process: what signals do to it. */
function listenProcess(args: string[], env = envFor()): LiveCli {
  const l = spawnCli(['webhooks', 'listen', '--no-tui', ...args], { env });
  cleanup.push(() => l.stop('SIGKILL'));
  return l;
}
async function trigger(type: string): Promise<string> {
  const r = await emu.api('POST', '/v1/events', { type });
  expect(r.status).toBe(201);
  return r.body.event.id as string;
}
const noStack = (s: string) => expect(s).not.toMatch(/^\s+at /m);

describe('webhooks listen', () => {
  it('forwards the exact bytes, signed so the seed receiver verifies them, with --headers, and stops cleanly on SIGTERM', async () => {
    const r = await receiver();
    const l = listenProcess(['--forward-to', `${r.url}/webhooks/pro-pitbox`, '--headers', 'X-Env: test']);
    await l.waitForStdout('Ready! Forwarding to');
    expect(l.stdout()).toMatch(/\(session ls_\w+, secret whsec_.{2}…[A-Za-z0-9+/=]{4}\)/);
    const ids = [await trigger('maintenance.task.created'), await trigger('vehicle.created'), await trigger('parts.inventory.low')];
    const got = await r.waitForCount(3);
    const sessions = (await emu.api('GET', '/v1/listen-sessions')).body.data;
    const secret = sessions[0].secret as string;
    for (const [i, req] of got.entries()) {
      const ev = (await emu.api('GET', `/v1/events/${ids[i]}`)).body;
      expect(req.body).toBe(JSON.stringify(ev)); // byte-exact, compact, seed key order
      expect(req.path).toBe('/webhooks/pro-pitbox');
      expect(seedVerify(req.body, req.headers['x-propitbox-signature'] as string, secret)).toBe(true);
      expect(req.headers['webhook-signature']).toBe(standardSignature(ids[i], Number(req.headers['webhook-timestamp']), req.body, secret));
      expect(req.headers['x-env']).toBe('test');
    }
    await l.waitForStdout(`<-- [200] POST ${r.url}/webhooks/pro-pitbox`);
    await waitFor(() => ids.every((id) => l.stdout().includes(`--> `) && l.stdout().includes(`[${id}]`)));
    expect(await l.stop('SIGTERM')).toBe(0);
    const d = await emu.api('GET', `/v1/deliveries?event_id=${ids[0]}`);
    expect(d.body.data.find((x: { session_id: string | null }) => x.session_id)).toMatchObject({ status: 'succeeded', last_status_code: 200 });
  });

  it('routes each type to its URL (first match wins) and falls back to --forward-to', async () => {
    const tasks = await receiver();
    const rest = await receiver();
    const l = listen(['--route', `maintenance.task.*=${tasks.url}/tasks`, '--forward-to', `${rest.url}/all`]);
    await l.waitForStdout('Ready!');
    await trigger('maintenance.task.completed');
    await trigger('session.ended');
    await trigger('maintenance.task.created');
    await tasks.waitForCount(2);
    await rest.waitForCount(1);
    expect(tasks.requests.map((q) => JSON.parse(q.body).type)).toEqual(['maintenance.task.completed', 'maintenance.task.created']);
    expect(JSON.parse(rest.requests[0].body).type).toBe('session.ended');
  });

  it('--format json prints versioned NDJSON on stdout only, and --max-events exits 0 when all were 2xx', async () => {
    const r = await receiver();
    const l = listen(['--forward-to', r.url, '--format', 'json', '--max-events', '2', '--events', 'vehicle.*']);
    await l.waitForStdout('"kind":"ready"');
    await trigger('session.ended'); // not in the filter
    await trigger('vehicle.updated');
    await trigger('vehicle.deleted');
    expect(await l.exited).toBe(0);
    const lines = l.stdout().trim().split('\n').map((x) => JSON.parse(x));
    expect(lines.every((x) => x.v === 1)).toBe(true);
    const kinds = lines.map((x) => x.kind).filter((k) => k !== 'connection');
    expect(kinds[0]).toBe('ready');
    expect(kinds.filter((k) => k === 'event')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'response')).toHaveLength(2);
    expect(lines.find((x) => x.kind === 'ready').secret).toMatch(/…/);
    expect(lines.find((x) => x.kind === 'response')).toMatchObject({ status: 200, error: null, replay: false });
    expect(lines.filter((x) => x.kind === 'event').map((x) => x.type)).toEqual(['vehicle.updated', 'vehicle.deleted']);
  });

  it('--max-events exits 1 when the receiver answered non-2xx (shown and acked, not retried)', async () => {
    const r = await receiver(() => ({ status: 500, body: 'boom' }));
    const l = listen(['--forward-to', r.url, '--max-events', '1']);
    await l.waitForStdout('Ready!');
    await trigger('vehicle.created');
    expect(await l.exited).toBe(1);
    expect(l.stdout()).toMatch(/<-- \[500\] POST/);
    expect(l.stderr()).toMatch(/error: Forwarded 1 events: 0 answered 2xx, 1 did not/);
    expect(r.requests).toHaveLength(1);
  });

  it('--expect exits 0 once that type was answered 2xx; --timeout exits 1 with a clear line first', async () => {
    const r = await receiver();
    const ok = listen(['--forward-to', r.url, '--expect', 'maintenance.task.created', '--timeout', '30s']);
    await ok.waitForStdout('Ready!');
    await trigger('vehicle.created');
    await trigger('maintenance.task.created');
    expect(await ok.exited).toBe(0);
    const late = listen(['--forward-to', r.url, '--expect', 'parts.order.created', '--timeout', '1500ms']);
    expect(await late.exited).toBe(1);
    expect(late.stderr()).toMatch(/error: Timed out after 1500 ms waiting for a 2xx answer to parts.order.created/);
    noStack(late.stderr());
  });

  it('--since replays recent history first, and --concurrency N forwards several at once', async () => {
    // Answers only once 3 requests are open at the same time: proves they were forwarded concurrently.
    const r: Receiver = await receiver(async () => {
      await waitFor(() => r.requests.length >= 3);
      return { status: 200 };
    });
    const before = [await trigger('parts.order.created'), await trigger('parts.order.created'), await trigger('parts.order.created')];
    const l = listen(['--forward-to', r.url, '--events', 'parts.order.created', '--since', '1h', '--concurrency', '3', '--max-events', '3']);
    expect(await l.exited).toBe(0);
    expect(r.requests.map((q) => JSON.parse(q.body).id).sort()).toEqual([...before].sort());
  });

  it('--print-secret prints the stable session secret; --write-env keeps other lines and creates new files 0600', async () => {
    const env = envFor();
    const sessions = async () => ((await (await fetch(`${emu.url}/v1/listen-sessions`, { headers: { authorization: `Bearer ${emu.apiKey}` } })).json()) as { data: unknown[] }).data.length;
    const before = await sessions();
    const a = await runInProcess(['webhooks', 'listen', '--print-secret'], { env });
    expect(a.code).toBe(0);
    const secret = a.stdout.trim();
    expect(secret).toMatch(/^whsec_/);
    expect((await runInProcess(['webhooks', 'listen', '--print-secret'], { env })).stdout.trim()).toBe(secret);
    const cfg = JSON.parse(readFileSync(join(env.PROPITBOX_CONFIG_DIR!, 'config.json'), 'utf8'));
    expect(Object.values(cfg.profiles).some((p) => (p as { listen_secret?: string }).listen_secret === secret)).toBe(true);
    const existing = join(env.HOME!, '.env');
    writeFileSync(existing, 'PORT=3000\nPROPITBOX_WEBHOOK_SECRET=old\nDEBUG=1\n');
    expect((await runInProcess(['webhooks', 'listen', '--write-env', existing], { env })).code).toBe(0);
    expect(readFileSync(existing, 'utf8')).toBe(`PORT=3000\nPROPITBOX_WEBHOOK_SECRET=${secret}\nDEBUG=1\n`);
    const fresh = join(env.HOME!, 'new.env');
    expect((await runInProcess(['webhooks', 'listen', '--write-env', fresh], { env })).code).toBe(0);
    expect(readFileSync(fresh, 'utf8')).toBe(`PROPITBOX_WEBHOOK_SECRET=${secret}\n`);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    // A --write-env path that cannot be written is one line, exit 2, before anything is opened.
    const noDir = await runInProcess(['webhooks', 'listen', '--forward-to', 'http://127.0.0.1:1/x', '--write-env', join(env.HOME!, 'missing', '.env')], { env });
    expect(noDir.code).toBe(2);
    expect(noDir.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: --write-env: cannot write .*missing\/\.env \(its folder does not exist\)/)]);
    const aDir = await runInProcess(['webhooks', 'listen', '--write-env', env.HOME!], { env });
    expect(aDir.code).toBe(2);
    expect(aDir.stderr).toMatch(/^error: --write-env: cannot write .* \(it is a folder\)/);
    // Reading the secret opens no session (one would collect every event with nobody to take them).
    expect(await sessions()).toBe(before);
  });

  it('a bad key, a missing target and an unknown type are one line each with the right exit code', async () => {
    const bad = await runInProcess(['webhooks', 'listen', '--forward-to', 'http://127.0.0.1:1/x'], { env: envFor({ PROPITBOX_API_KEY: 'ppk_test_wrong' }) });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/Invalid API key.*propitbox login/);
    const missing = await runInProcess(['webhooks', 'listen'], { env: envFor() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--forward-to URL is required/);
    const typo = await runInProcess(['webhooks', 'listen', '--forward-to', 'http://127.0.0.1:1/x', '--events', 'vehicle.craeted'], { env: envFor() });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Did you mean 'vehicle.created'/);
    const down = await runInProcess(['webhooks', 'listen', '--forward-to', 'http://127.0.0.1:1/x'], { env: envFor({ PROPITBOX_API_URL: 'http://127.0.0.1:9' }) });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/API unreachable at http:\/\/127\.0\.0\.1:9.*propitbox dev/);
    const nokey = await runInProcess(['webhooks', 'listen', '--forward-to', 'http://127.0.0.1:1/x'], { env: isolatedEnv({ PROPITBOX_API_URL: emu.url }) });
    expect(nokey.code).toBe(1);
    expect(nokey.stderr).toMatch(/No API key.*propitbox login/);
    // A flag typo is a usage error even with no key configured: the fix the user needs first.
    const typoNoKey = await runInProcess(['webhooks', 'listen', '--forward-to', 'notaurl'], { env: isolatedEnv({ PROPITBOX_API_URL: emu.url }) });
    expect(typoNoKey.code).toBe(2);
    expect(typoNoKey.stderr).toMatch(/--forward-to 'notaurl' is not a URL/);
    for (const x of [bad, missing, typo, down, nokey, typoNoKey]) {
      noStack(x.stderr);
      expect(x.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('receiver down: one hint, events held and retried, every event ends 2xx once it is back', async () => {
    const first = await receiver();
    const port = first.port;
    await first.close();
    const l = listen(['--forward-to', `http://127.0.0.1:${port}/hook`]);
    await l.waitForStdout('Ready!');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await trigger('vehicle.updated'));
    await l.waitForStderr(`Receiver http://127.0.0.1:${port}/hook is not answering (connection refused): events are held and retried when it is back`);
    const back = await receiver(undefined, port); // a ~1-2 s outage, not 10 s: same behaviour, faster test
    await back.waitForCount(5);
    await waitFor(() => ids.every((id) => l.stdout().includes(`<-- [200] POST http://127.0.0.1:${port}/hook (`) && new RegExp(`<-- \\[200\\] .*\\[${id}\\]`).test(l.stdout())));
    expect(l.stderr().match(/is not answering/g)).toHaveLength(1);
    expect(l.stdout()).not.toMatch(/ERR/);
    expect(back.requests.map((q) => JSON.parse(q.body).id)).toEqual(ids); // order kept at concurrency 1
  });

  it('events replay re-sends from local history after the listener is gone, without the API', async () => {
    const r = await receiver();
    const env = envFor();
    const l = listen(['--forward-to', r.url], env);
    await l.waitForStdout('Ready!');
    const id = await trigger('parts.order.created');
    await r.waitForCount(1);
    await l.waitForStdout(`[${id}]`);
    await waitFor(() => l.stdout().includes('<-- [200]'));
    expect(await l.stop('SIGTERM')).toBe(0);
    const offline = { ...env, PROPITBOX_API_URL: 'http://127.0.0.1:9', PROPITBOX_API_KEY: emu.apiKey };
    const rep = await runInProcess(['events', 'replay', id], { env: offline });
    expect(rep.stderr).toBe('');
    expect(rep.code).toBe(0);
    expect(rep.stdout).toMatch(new RegExp(`200.*POST ${r.url}.*${id}`));
    expect(r.requests[1].body).toBe(r.requests[0].body);
    expect(Number(r.requests[1].headers['webhook-timestamp'])).toBeGreaterThanOrEqual(Number(r.requests[0].headers['webhook-timestamp']));
  });

  it('events replay falls back to GET /v1/events/:id when the event is not in the local history', async () => {
    const r = await receiver();
    const id = await trigger('vehicle.deleted');
    const rep = await runInProcess(['events', 'replay', id, '--forward-to', `${r.url}/x`, '--secret', 'whsec_dGVzdA==', '--json'], { env: envFor() });
    expect(rep.code).toBe(0);
    expect(JSON.parse(rep.stdout)).toMatchObject({ status_code: 200, event_id: id });
    expect(r.requests[0].body).toBe(JSON.stringify((await emu.api('GET', `/v1/events/${id}`)).body));
    expect(seedVerify(r.requests[0].body, r.requests[0].headers['x-propitbox-signature'] as string, 'whsec_dGVzdA==')).toBe(true);
    const missing = await runInProcess(['events', 'replay', 'evt_doesnotexist', '--forward-to', r.url, '--secret', 's'], { env: envFor() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not in the local history/);
  });

  it('exits 1 with a clear line when the listen secret is rotated under it', async () => {
    const r = await receiver();
    const l = listen(['--forward-to', r.url]);
    await l.waitForStdout('Ready!');
    expect((await emu.api('POST', '/v1/listen-secret/rotate')).status).toBe(200);
    expect(await l.exited).toBe(1);
    expect(l.stderr()).toMatch(/error: The relay closed the session: the listen signing secret was rotated/);
    noStack(l.stderr());
  });

  for (const keep of [true, false]) {
    it(`a second SIGTERM cuts a stuck forward short; the event ${keep ? 'stays unacknowledged for next time (--keep-session)' : 'fails, saying the session was closed'}`, async () => {
      const r = await receiver(() => new Promise(() => undefined)); // never answers
      const l = listenProcess(['--forward-to', r.url, ...(keep ? ['--keep-session'] : [])]);
      await l.waitForStdout('Ready!');
      const id = await trigger('session.ended');
      await r.waitForCount(1);
      l.child.kill('SIGTERM');
      await l.waitForStderr('Stopping: finishing 1 in-flight forward (signal again to stop now)');
      expect(l.child.exitCode).toBeNull(); // the first signal waits for the in-flight forward
      l.child.kill('SIGTERM');
      await l.waitForStderr(keep ? 'Stopping now: unfinished forwards will be re-sent next time' : 'Stopping now: unfinished forwards are dropped');
      expect(await l.exited).toBe(0);
      const d = (await emu.api('GET', `/v1/deliveries?event_id=${id}`)).body.data.find((x: { session_id: string | null }) => x.session_id);
      if (keep) expect(d.status).toBe('pending');
      else expect(d).toMatchObject({ status: 'failed', last_error: 'dropped: the listen session was closed before a client acknowledged it' });
      if (keep) await emu.api('DELETE', `/v1/listen-sessions/${d.session_id}`);
    });
  }
});

// A TLS or protocol error is a final outcome (shown, acknowledged with the error, not retried, one
// hint), unlike a receiver that is down (held and retried).
describe('webhooks listen: TLS errors from the receiver', () => {
  it('https:// to a plain-http port: each event is final with the TLS error, acked, never held; the hint is said once', async () => {
    const r = await receiver();
    const l = listen(['--format', 'json', '--forward-to', `https://127.0.0.1:${r.port}/hook`]);
    await l.waitForStdout('"kind":"ready"');
    const ids = [await trigger('vehicle.created'), await trigger('maintenance.task.created'), await trigger('vehicle.updated')];
    const responses = () => l.stdout().split('\n').filter((x) => x.includes('"kind":"response"')).map((x) => JSON.parse(x));
    await waitFor(() => responses().length >= 3, { what: 'three final responses' });
    expect(responses().map((x) => x.event_id)).toEqual(ids);
    for (const res of responses()) expect(res).toMatchObject({ status: null, error: expect.stringMatching(/^TLS: wrong version number/) });
    // Acked: the server's cursor moves past all three, so nothing is re-sent.
    const session = async () => (await emu.api('GET', '/v1/listen-sessions')).body.data.find((s: { id: string }) => l.stdout().includes(s.id));
    await waitFor(async () => (await session()).acked_seq >= (await session()).last_seq, { what: 'the session cursor to reach the last event' });
    expect(l.stdout()).not.toMatch(/"kind":"receiver"/); // not "receiver down, held"
    const hints = l.stdout().split('\n').filter((x) => x.includes('"kind":"error"'));
    expect(hints).toHaveLength(1);
    expect(JSON.parse(hints[0])).toMatchObject({ fatal: false, message: expect.stringMatching(/plain HTTP, not HTTPS: use http:\/\//) });
    expect(r.requests).toHaveLength(0);
  });
});
