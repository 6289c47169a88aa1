import { afterEach, describe, expect, it } from 'vitest';
import { editText, editorCommand } from '../../src/tui/editor.js';
import { setEnv } from '../../src/util/env.js';

afterEach(() => setEnv(process.env));

describe('editText', () => {
  it('opens the text in $EDITOR and reads back what was saved', () => {
    setEnv({ PATH: process.env.PATH, EDITOR: "sed -i -e 's/oil_change/tire_change/'" });
    const r = editText('{"type":"oil_change"}', 'evt_1');
    expect(r).toEqual({ text: '{"type":"tire_change"}', error: null });
  });

  it('prefers $VISUAL and reports an editor that fails', () => {
    setEnv({ PATH: process.env.PATH, VISUAL: 'false', EDITOR: 'true' });
    expect(editorCommand()).toBe('false');
    const r = editText('{}', 'evt_1');
    expect(r.text).toBeNull();
    expect(r.error).toBe('false exited with 1');
  });
});
