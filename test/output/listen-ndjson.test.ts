import { describe, expect, it } from 'vitest';
import { toNdjson } from '../../src/output/listen/ndjson.js';

describe('listen NDJSON lines', () => {
  it('use snake_case for connection states like every other kind', () => {
    const ready = toNdjson({ kind: 'connection', connection: { state: 'ready', sessionId: 'ls_1' }, at: 0 }, new Set());
    expect(ready).toMatchObject({ kind: 'connection', state: 'ready', session_id: 'ls_1' });
    const recreated = toNdjson({ kind: 'connection', connection: { state: 'session-recreated', sessionId: 'ls_2', reason: 'gone' }, at: 0 }, new Set());
    expect(recreated).toMatchObject({ state: 'session-recreated', session_id: 'ls_2', reason: 'gone' });
    for (const line of [ready, recreated]) expect(Object.keys(line!).some((k) => /[A-Z]/.test(k))).toBe(false);
    expect(toNdjson({ kind: 'connection', connection: { state: 'reconnecting', attempt: 2, inMs: 500, reason: 'x' }, at: 0 }, new Set())).toMatchObject({ kind: 'reconnecting', in_ms: 500 });
  });
});

describe('receiver-down hint', () => {
  it('suggests https:// when a plain http:// receiver resets (an HTTPS port closes plain requests)', async () => {
    const { receiverDownHint } = await import('../../src/output/listen/renderer.js');
    expect(receiverDownHint('http://127.0.0.1:3000/hook', 'connection reset')).toMatch(/held and retried when it is back \(if it serves HTTPS, use https:\/\/\)$/);
    expect(receiverDownHint('http://127.0.0.1:3000/hook', 'connection refused')).toMatch(/retried when it is back$/);
  });
});
