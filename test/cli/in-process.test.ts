// main(argv, io): a command run in-process sees only its own environment, streams and clock, also when
// runs overlap, and leaves the test process as it found it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { standardSignature } from '../../src/signing/sign.js';
import { isolatedEnv } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';

describe('in-process command runs', () => {
  it('overlapping runs each read their own config and write their own output', async () => {
    const [a, b] = [isolatedEnv(), isolatedEnv()];
    await Promise.all([runInProcess(['config', 'set', 'api_url', 'http://a.test'], { env: a }), runInProcess(['config', 'set', 'api_url', 'http://b.test'], { env: b })]);
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => runInProcess(['config', 'get', 'api_url'], { env: i % 2 ? b : a })));
    expect(runs.map((r) => r.stdout)).toEqual(['http://a.test\n', 'http://b.test\n', 'http://a.test\n', 'http://b.test\n', 'http://a.test\n', 'http://b.test\n']);
    expect(runs.every((r) => r.code === 0 && r.stderr === '')).toBe(true);
  });

  it('exit codes, --no-color and errors stay with the run', async () => {
    const env = isolatedEnv();
    delete env.NO_COLOR;
    const before = { exitCode: process.exitCode, noColor: process.env.NO_COLOR };
    const bad = await runInProcess(['--no-color', 'trigger', 'vehicle.craeted'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*vehicle\.created/);
    expect(env.NO_COLOR).toBeUndefined(); // --no-color set it in the run's copy only
    expect({ exitCode: process.exitCode, noColor: process.env.NO_COLOR }).toEqual(before);
    expect((await runInProcess(['fixtures', 'list'], { env })).code).toBe(0);
  });

  it('uses the clock it is given', async () => {
    const secret = 'whsec_dGVzdA==';
    const payload = '{"id":"evt_1","type":"vehicle.created","created":"2024-01-01T00:00:00Z","data":{}}';
    const env = isolatedEnv();
    const file = join(env.HOME!, 'body.json');
    writeFileSync(file, payload);
    const at = Date.parse('2024-01-01T00:00:00Z');
    const sig = standardSignature('evt_1', at / 1000, payload, secret);
    const args = ['verify', '--secret', secret, '--signature', sig, '--id', 'evt_1', '--timestamp', String(at / 1000), '--payload-file', file];
    const fresh = await runInProcess(args, { env, now: () => at + 1000 });
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    const stale = await runInProcess(args, { env, now: () => at + 3_600_000 });
    expect(stale.code).toBe(1);
    expect(stale.stdout + stale.stderr).toMatch(/timestamp/i);
  });
});
