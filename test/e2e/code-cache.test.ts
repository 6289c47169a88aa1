// bin/load-main.js compiles the main chunk with a V8 code cache kept in the state dir: the first run
// of a command writes it (dir 0700, file 0600), later runs read it, and a cache that is damaged, from
// another build, or writable by others is never trusted: the CLI works the same without it.
import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/run-cli.js';

const envs: NodeJS.ProcessEnv[] = [];
function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = isolatedEnv(extra);
  envs.push(env);
  return env;
}
afterAll(() => {
  for (const env of envs) rmSync(env.HOME!, { recursive: true, force: true });
});

const cacheDir = (env: NodeJS.ProcessEnv) => join(env.PROPITBOX_STATE_DIR!, 'code-cache');
const cacheFiles = (env: NodeJS.ProcessEnv) => readdirSync(cacheDir(env)).filter((f) => f.endsWith('.bin'));
/** What bin/load-main.js says under NODE_DEBUG=module: the cache file it used, or none. */
const usedCache = (stderr: string) => /load \S+main\.cjs with a V8 code cache: (\S+)/.exec(stderr)?.[1];

describe('the main chunk\'s code cache', () => {
  it('is written by the first run (0700 dir, 0600 file), read by the next, and grows with new commands', async () => {
    const env = freshEnv({ NODE_DEBUG: 'module' });
    const first = await runCli(['fixtures', 'list'], { env });
    expect(first.code).toBe(0);
    expect(usedCache(first.stderr)).toBe('none');
    const [file] = cacheFiles(env);
    expect(file).toMatch(new RegExp(`^main-[0-9a-f]{16}-${process.version}-${process.arch}\\.bin$`));
    expect(statSync(cacheDir(env)).mode & 0o777).toBe(0o700);
    expect(statSync(join(cacheDir(env), file)).mode & 0o777).toBe(0o600);

    const second = await runCli(['fixtures', 'list'], { env });
    expect(second.stdout).toBe(first.stdout);
    expect(usedCache(second.stderr)).toBe(join(cacheDir(env), file));
    const seen = () => JSON.parse(readFileSync(join(cacheDir(env), file), 'utf8').split('\n')[0]) as string[];
    expect(seen()).toEqual(['fixtures list']);
    expect((await runCli(['--help'], { env })).code).toBe(0);
    expect(seen()).toEqual(['fixtures list', '--help']);
    // Arguments are not commands: two event types (refused, exit 2) are one `trigger`, and a global
    // option's value is not a command word.
    expect((await runCli(['trigger', 'no.such-type'], { env })).code).toBe(2);
    expect((await runCli(['trigger', 'no.other_type'], { env })).code).toBe(2);
    expect((await runCli(['--profile', 'nope', 'fixtures', 'list'], { env })).code).toBe(0);
    expect(seen()).toEqual(['fixtures list', '--help', 'trigger']);
  });

  it('a damaged cache is rejected and replaced; the output is the same', async () => {
    const env = freshEnv();
    const clean = await runCli(['fixtures', 'list'], { env });
    const path = join(cacheDir(env), cacheFiles(env)[0]);
    const good = readFileSync(path);
    writeFileSync(path, Buffer.concat([Buffer.from('["fixtures list"]\n'), Buffer.alloc(good.length, 7)]), { mode: 0o600 });
    const damaged = await runCli(['fixtures', 'list'], { env });
    expect(damaged).toEqual(clean);
    expect(readFileSync(path).subarray(-64).every((b) => b === 7)).toBe(false); // rewritten with V8's data
  });

  it('a cache others can write is not read', async () => {
    const env = freshEnv({ NODE_DEBUG: 'module' });
    await runCli(['fixtures', 'list'], { env });
    chmodSync(join(cacheDir(env), cacheFiles(env)[0]), 0o666);
    const r = await runCli(['fixtures', 'list'], { env });
    expect(r.code).toBe(0);
    expect(usedCache(r.stderr)).toBe('none');
    expect(r.stdout).toContain('maintenance.task.created');
    expect(statSync(join(cacheDir(env), cacheFiles(env)[0])).mode & 0o777).toBe(0o600); // replaced by its own
  });

  it('a state dir that cannot hold it (a file in its place) changes nothing but speed', async () => {
    const env = freshEnv();
    writeFileSync(env.PROPITBOX_STATE_DIR!, 'not a folder');
    const r = await runCli(['fixtures', 'list'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('maintenance.task.created');
  });
});
