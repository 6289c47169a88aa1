import { mkdtempSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { History, findInHistory, historyFile, searchHistory, type HistoryRecord } from '../../src/relay/history.js';

const rec = (i: number, status: number | null = 200): HistoryRecord => ({
  v: 1, at: new Date(0).toISOString(), id: `evt_${i}`, type: i % 2 ? 'vehicle.created' : 'session.ended', created: '', seq: i,
  body: JSON.stringify({ id: `evt_${i}`, pad: 'x'.repeat(200) }), url: 'http://localhost:3000', status, duration_ms: 1, error: null, replay: false,
});

describe('local history', () => {
  it('rotates at the size limit keeping one old file, and still finds events in both, newest first', async () => {
    const file = historyFile('dev', mkdtempSync(join(tmpdir(), 'hist-')));
    const h = new History(file, 4_000);
    for (let i = 0; i < 30; i++) {
      h.append(rec(i, i === 3 ? 500 : 200));
      h.flush();
    }
    h.append(rec(3, 200)); // a later replay of evt_3
    h.close();
    expect(existsSync(file + '.1')).toBe(true);
    expect(statSync(file).size).toBeLessThanOrEqual(4_000);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await findInHistory(file, 'evt_29'))?.seq).toBe(29);
    expect((await findInHistory(file, 'evt_3'))?.status).toBe(200); // the newest record wins
    expect(await findInHistory(file, 'evt_nope')).toBeNull();
    const found = await searchHistory(file, 'session', 3);
    expect(found.map((r) => r.id)).toEqual(['evt_28', 'evt_26', 'evt_24']);
  });
});
