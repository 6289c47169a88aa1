import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/output/table.js';
import { relativeTime } from '../../src/output/time.js';
import { colorLevel, colors, paintStatus } from '../../src/output/color.js';
import { setEnv } from '../../src/util/env.js';

describe('tables', () => {
  it('aligns columns, ignoring colour codes, without trailing spaces', () => {
    const c = colors(1);
    const out = renderTable([{ header: 'ID' }, { header: 'CODE', align: 'right' }, { header: 'URL' }], [
      ['a', c.green('200'), 'http://x'],
      ['bbbb', c.red('500'), 'http://yy'],
    ]);
    const lines = out.replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n');
    expect(lines).toEqual(['ID    CODE  URL', 'a      200  http://x', 'bbbb   500  http://yy']);
  });

  it('says something useful when empty and truncates long cells', () => {
    expect(renderTable([{ header: 'A' }], [], { empty: 'nothing' })).toBe('nothing\n');
    expect(renderTable([{ header: 'A', max: 5 }], [['abcdefgh']])).toContain('abcd…');
  });
});

describe('relative times', () => {
  const now = Date.parse('2024-12-25T10:30:00Z');
  it.each([
    ['2024-12-25T10:29:57Z', '3s ago'],
    ['2024-12-25T10:25:00Z', '5m ago'],
    ['2024-12-25T08:30:00Z', '2h ago'],
    ['2024-12-22T10:30:00Z', '3d ago'],
    ['2024-12-25T10:30:30Z', 'in 30s'],
    ['2024-01-01T00:00:00Z', '2024-01-01'],
  ])('%s -> %s', (iso, want) => expect(relativeTime(iso, now)).toBe(want));
});

describe('status colours', () => {
  it('2xx green, 3xx/4xx yellow, 5xx and transport errors red', () => {
    setEnv({ FORCE_COLOR: '1' });
    expect(paintStatus(200)).toBe('\x1b[32m200\x1b[39m');
    expect(paintStatus(302)).toBe('\x1b[33m302\x1b[39m');
    expect(paintStatus(404)).toBe('\x1b[33m404\x1b[39m');
    expect(paintStatus(503)).toBe('\x1b[31m503\x1b[39m');
    expect(paintStatus(null)).toBe('\x1b[31mERR\x1b[39m');
    setEnv({ NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(paintStatus(200)).toBe('200');
    setEnv(process.env);
  });
});

describe('colour level', () => {
  it('is 0 when stdout is not a TTY or NO_COLOR is set, and on for a TTY', () => {
    setEnv({});
    expect(colorLevel({ isTTY: false })).toBe(0);
    expect(colorLevel({ isTTY: true, getColorDepth: () => 8 })).toBe(2);
    setEnv({ NO_COLOR: '1' });
    expect(colorLevel({ isTTY: true, getColorDepth: () => 8 })).toBe(0);
    setEnv({ FORCE_COLOR: '1' });
    expect(colorLevel({ isTTY: false })).toBe(1);
    setEnv(process.env);
  });
});
