import { describe, expect, it } from 'vitest';
import { keyToIntent } from '../../src/tui/state/keymap.js';

describe('keyToIntent', () => {
  it('maps navigation keys in the list', () => {
    expect(keyToIntent('list', 'j', {})).toEqual({ action: { type: 'move', delta: 1 } });
    expect(keyToIntent('list', '', { upArrow: true })).toEqual({ action: { type: 'move', delta: -1 } });
    expect(keyToIntent('list', '', { pageDown: true })).toEqual({ action: { type: 'page', dir: 1 } });
    expect(keyToIntent('list', 'G', {})).toEqual({ action: { type: 'end' } });
    expect(keyToIntent('list', '', { return: true })).toEqual({ action: { type: 'open-details' }, effect: 'load-details' });
  });

  it('maps effect keys', () => {
    expect(keyToIntent('list', 'r', {})).toEqual({ effect: 'replay' });
    expect(keyToIntent('list', 'R', {})).toEqual({ effect: 'replay-failed' });
    expect(keyToIntent('details', 'e', {})).toEqual({ effect: 'edit-replay' });
    expect(keyToIntent('list', 'C', {})).toEqual({ effect: 'copy-payload' });
    expect(keyToIntent('list', 'c', { ctrl: true })).toEqual({ effect: 'quit' });
  });

  it('types into the filter instead of running commands', () => {
    expect(keyToIntent('filter', 'r', {})).toEqual({ action: { type: 'filter-input', text: 'r' } });
    expect(keyToIntent('filter', 'q', {})).toEqual({ action: { type: 'filter-input', text: 'q' } });
    expect(keyToIntent('filter', '', { return: true })).toEqual({ action: { type: 'filter-apply' }, effect: 'search-history' });
    expect(keyToIntent('filter', '', { backspace: true })).toEqual({ action: { type: 'filter-backspace' } });
    expect(keyToIntent('filter', 'c', { ctrl: true })).toEqual({ effect: 'quit' });
  });

  it('help closes on ? or Esc and ignores other keys', () => {
    expect(keyToIntent('help', '?', {})).toEqual({ action: { type: 'toggle-help' } });
    expect(keyToIntent('help', 'r', {})).toBeNull();
  });
});
