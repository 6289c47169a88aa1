// Commands that need no API: trigger --forward-to (CI), verify, fixtures, completion, help.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { isolatedEnv } from '../helpers/run-cli.js';
import { cli, fails, ok, okJson } from './cli-helpers.js';
import { standardSignature } from '../../src/signing/sign.js';

const SECRET = 'whsec_c2VjcmV0LWZvci10ZXN0cy0xMjM0NTY3ODkw';

// The seed's own receiver code, verbatim in spirit: express.json() then JSON.stringify(req.body).
function seedVerify(payload: string, signature: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(payload).digest('hex');
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

let rx: Receiver;
const env = isolatedEnv();
beforeAll(async () => {
  rx = await startReceiver((req) => {
    const ok = seedVerify(JSON.stringify(JSON.parse(req.body)), String(req.headers['x-propitbox-signature']), SECRET);
    if (!ok) return { status: 401, body: 'Invalid signature' };
    return req.path.includes('teapot') ? { status: 418, body: "I'm a teapot" } : { status: 200, body: 'OK' };
  });
});
afterAll(async () => {
  await rx?.close();
});

describe('trigger --forward-to', () => {
  it('signs so the seed handler accepts it; prints status, latency and body; exit 0 on 2xx', async () => {
    const r = await ok(['trigger', 'maintenance.task.created', '--forward-to', `${rx.url}/webhooks/pro-pitbox`, '--secret', SECRET, '--override', 'data.task.type=tire_change'], env);
    expect(r.stdout).toMatch(/^200 POST http:\/\/127\.0\.0\.1:\d+\/webhooks\/pro-pitbox \(\d+ ms\) maintenance\.task\.created evt_\w+\n {4}OK\n$/);
    const req = rx.requests.at(-1)!;
    const body = JSON.parse(req.body);
    expect(body.data.task.type).toBe('tire_change');
    expect(req.body).toBe(JSON.stringify(body)); // compact: what the seed re-serializes
    expect(req.headers['webhook-id']).toBe(body.id);
    expect(req.headers['x-propitbox-event-type']).toBe('maintenance.task.created');
  });

  it('--json, --count, and the secret from PROPITBOX_WEBHOOK_SECRET or the profile', async () => {
    const many = await okJson(['trigger', 'vehicle.created', '--forward-to', rx.url, '--count', '3'], { ...env, PROPITBOX_WEBHOOK_SECRET: SECRET });
    expect(Object.keys(many)).toEqual(['events', 'deliveries']);
    expect(many.deliveries).toHaveLength(3);
    expect(many.deliveries.map((m: any) => m.event_id)).toEqual(many.events.map((e: any) => e.id));
    expect(new Set(many.deliveries.map((m: any) => m.event_id)).size).toBe(3);
    expect(many.deliveries[0]).toMatchObject({ status_code: 200, response_body: 'OK', error: null, duration_ms: expect.any(Number) });
    const pEnv = isolatedEnv();
    await ok(['config', 'set', 'listen_secret', SECRET], pEnv);
    expect((await okJson(['trigger', 'session.ended', '--forward-to', rx.url], pEnv)).deliveries[0].status_code).toBe(200);
  });

  it('not 2xx is exit 1 after printing the answer; a wrong secret says so', async () => {
    const t = await fails(['trigger', 'vehicle.created', '--forward-to', `${rx.url}/teapot`, '--secret', SECRET], env, 1, /Receiver at .*\/teapot answered 418 \(not 2xx\)/);
    expect(t.stdout).toMatch(/^418 POST/);
    expect(t.stdout).toContain("I'm a teapot");
    await fails(['trigger', 'vehicle.created', '--forward-to', rx.url, '--secret', 'whsec_wrong'], env, 1, /answered 401 .*same secret/);
  });

  it('receiver down, bad URL, no secret: one line each', async () => {
    const down = `http://127.0.0.1:9/webhooks`;
    await Promise.all([
      fails(['trigger', 'vehicle.created', '--forward-to', down, '--secret', SECRET], env, 1, /^error: Receiver at http:\/\/127\.0\.0\.1:9\/webhooks is not reachable \(connection refused\): is your app running\?$/),
      // https:// to a plain-HTTP app: the same wording and fix listen gives, not "is your app running?"
      fails(['trigger', 'vehicle.created', '--forward-to', rx.url.replace('http:', 'https:'), '--secret', SECRET], env, 1, /failed \(TLS: wrong version number\): the receiver speaks plain HTTP, not HTTPS: use http:\/\//),
      fails(['trigger', 'vehicle.created', '--forward-to', 'localhost:3000', '--secret', SECRET], env, 2, /--forward-to 'localhost:3000' must be http/),
      fails(['trigger', 'vehicle.created', '--forward-to', rx.url], env, 2, /No signing secret: pass --secret S, set PROPITBOX_WEBHOOK_SECRET/),
      fails(['trigger', 'vehicle.updatd', '--forward-to', rx.url, '--secret', SECRET], env, 2, /Did you mean 'vehicle.updated'/),
      fails(['trigger', 'vehicle.created', '--forward-to', rx.url, '--secret', SECRET, '--wait'], env, 2, /--wait applies to deliveries through the API/),
    ]);
  });
});

describe('verify', () => {
  const dir = mkdtempSync(join(env.HOME!, 'verify-'));
  const body = JSON.stringify({ id: 'evt_1a2b3c4d5e', type: 'vehicle.created', created: '2024-12-25T10:30:00Z', data: { vehicle: { name: 'X' } } });
  const sig = createHmac('sha256', SECRET).update(body).digest('hex');
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('valid is exit 0; a changed body, a wrong secret and a stale timestamp each say why, with the expected value', async () => {
    const exact = file('exact.json', body);
    const pretty = file('pretty.json', JSON.stringify(JSON.parse(body), null, 2));
    expect((await ok(['verify', '--secret', SECRET, '--signature', sig, '--payload-file', exact], env)).stdout).toMatch(/X-ProPitbox-Signature: valid/);

    const changed = await fails(['verify', '--secret', SECRET, '--signature', sig, '--payload-file', pretty], env, 1, /Signature does not verify: body changed/);
    expect(changed.stdout).toMatch(/re-serialized compactly/);
    expect(changed.stdout).toContain(`received: ${sig}`);

    const wrong = await fails(['verify', '--secret', 'whsec_other', '--signature', sig, '--payload-file', exact, '--json'], env, 1, /wrong secret/);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ ok: false, signatures: [{ verdict: 'mismatch', expected: createHmac('sha256', 'whsec_other').update(body).digest('hex') }] });
  });

  it('reads a raw HTTP dump captured from a real forward, and flags a stale timestamp', async () => {
    await ok(['trigger', 'vehicle.created', '--forward-to', rx.url, '--secret', SECRET], env);
    const req = rx.requests.at(-1)!;
    const dump = `POST / HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${req.body}`;
    const r = await ok(['verify', '--secret', SECRET, '--headers-file', file('req.txt', dump)], env);
    expect(r.stdout).toMatch(/X-ProPitbox-Signature: valid/);
    expect(r.stdout).toMatch(/webhook-signature \(Standard Webhooks\): valid/);
    const both = await okJson(['verify', '--secret', SECRET, '--headers-file', file('req.txt', dump)], env);
    expect(both).toMatchObject({ ok: true, signatures: [{ scheme: 'x-propitbox-signature', ok: true }, { scheme: 'standard-webhooks', ok: true }] });
    const old = Number(req.headers['webhook-timestamp']) - 3600;
    const staleSig = standardSignature(String(req.headers['webhook-id']), old, req.body, SECRET);
    const stale = await fails(['verify', '--secret', SECRET, '--headers-file', file('req.txt', dump), '--timestamp', String(old), '--signature', staleSig], env, 1, /Signature does not verify: stale timestamp/);
    expect(stale.stdout).toMatch(/stale timestamp: 36\d\d s old, tolerance 300 s .*the signature itself is correct/);
  });

  it('bad verify input is exit 2', async () => {
    await Promise.all([
      fails(['verify', '--signature', sig, '--payload-file', 'x'], env, 2, /No secret: pass --secret/),
      fails(['verify', '--secret', SECRET, '--signature', sig, '--payload-file', join(dir, 'missing.json')], env, 2, /Cannot read .*missing\.json: no such file/),
      fails(['verify', '--secret', SECRET, '--signature', 'v1,abc', '--payload-file', file('b.json', body)], env, 2, /pass --id \(webhook-id\) and --timestamp/),
      fails(['verify', '--secret', SECRET, '--signature', 'zzz', '--payload-file', file('b.json', body)], env, 2, /Unrecognised signature/),
    ]);
  });
});

describe('fixtures, completion, help, colour', () => {
  it('fixtures list / show', async () => {
    const [list, listJson, show, rendered] = await Promise.all([
      ok(['fixtures', 'list'], env),
      okJson(['fixtures', 'list'], env),
      okJson(['fixtures', 'show', 'maintenance.task.created'], env),
      ok(['fixtures', 'show', 'maintenance.task.created', '--render'], env),
    ]);
    expect(list.stdout).toMatch(/^TYPE\s+DESCRIPTION\s+PAYLOAD\nvehicle\.created\s+New vehicle added\s+Vehicle object/);
    expect(listJson).toHaveLength(8);
    expect(show.data.task.id).toBe('{{id:mnt}}');
    expect(JSON.parse(rendered.stdout).data.task.id).toMatch(/^mnt_/);
    await fails(['fixtures', 'show', 'parts.inventory.lo'], env, 2, /Did you mean 'parts.inventory.low'/);
  });

  it('completion scripts for bash, zsh and fish; an unknown shell is exit 2', async () => {
    const [bash, zsh, fish] = await Promise.all(['bash', 'zsh', 'fish'].map((s) => ok(['completion', s], env)));
    expect(bash.stdout).toContain('complete -o default -F _propitbox propitbox');
    expect(bash.stdout).toContain('listen'); // other helpers' commands are in the generated tree too
    expect(zsh.stdout).toMatch(/^#compdef propitbox/);
    expect(fish.stdout).toContain('complete -c propitbox');
    await fails(['completion', 'powershell'], env, 2, /Unknown shell 'powershell'/);
  });

  it('unknown commands and options are exit 2 with a suggestion; no colour when not a TTY even with colour env unset', async () => {
    const r = await cli(['triger'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown command 'triger' (Did you mean trigger?) (run with --help for usage)\n");
    await Promise.all([
      fails(['webhooks', 'create', '--url', 'http://x'], env, 2, /^error: required option '--events <types>' not specified \(run with --help for usage\)$/),
      fails(['events', 'list', '--bogus'], env, 2, /^error: unknown option '--bogus' \(run with --help for usage\)$/),
    ]);
    const noColor = await ok(['fixtures', 'list'], { ...env, NO_COLOR: '' });
    expect(noColor.stdout).not.toMatch(/\x1b\[/);
    const forced = await ok(['trigger', 'vehicle.created', '--forward-to', rx.url, '--secret', SECRET], { ...env, NO_COLOR: '', FORCE_COLOR: '1' });
    expect(forced.stdout).toMatch(/\x1b\[32m200/);
    const off = await ok(['--no-color', 'trigger', 'vehicle.created', '--forward-to', rx.url, '--secret', SECRET], { ...env, NO_COLOR: '', FORCE_COLOR: '1' });
    expect(off.stdout).not.toMatch(/\x1b\[/);
  });
});
