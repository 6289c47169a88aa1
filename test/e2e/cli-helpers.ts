// Shared by the cli-*.test.ts files: run a command in-process (main(argv, io), as bin/propitbox.js
// does, without starting Node) and check the error contract (one line on stderr, the documented exit
// code, never a stack trace). cli-startup and cli-ci-smoke run the built CLI as a process.
import { expect } from 'vitest';
import type { CliResult } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';

export async function cli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  const r = await runInProcess(args, { env, input });
  expect(r.stderr, `stack trace from propitbox ${args.join(' ')}`).not.toMatch(/^\s{4}at /m);
  return r;
}

/** Runs and expects success; returns parsed JSON stdout when asked. */
export async function ok(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  const r = await cli(args, env, input);
  expect(r.code, `propitbox ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

export async function okJson<T = any>(args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const r = await ok([...args, '--json'], env);
  return JSON.parse(r.stdout) as T;
}

/** Expects exit `code` and exactly one non-empty stderr line matching `pattern`. */
export async function fails(args: string[], env: NodeJS.ProcessEnv, code: number, pattern: RegExp, input?: string): Promise<CliResult> {
  const r = await cli(args, env, input);
  const lines = r.stderr.split('\n').filter((l) => l.trim());
  expect({ code: r.code, lines }, `propitbox ${args.join(' ')}`).toMatchObject({ code, lines: [expect.stringMatching(pattern)] });
  expect(lines[0]).toMatch(/^error: /);
  return r;
}
