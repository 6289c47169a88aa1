// What effectful keys do. Every piece of I/O goes through the injected deps (the controller does the
// network, the facade the terminal), so this runs in tests with a fake controller.
import type { ListenController } from '../relay/listen-events.js';
import { prettyBody } from './format.js';
import type { Effect } from './state/keymap.js';
import { historyQuery, parseFilter } from './state/filter.js';
import { rowById, targetRow, type Action } from './state/listen-reducer.js';
import type { EventRow, Notice, ViewState } from './state/types.js';

export interface EffectDeps {
  controller: ListenController;
  getState(): ViewState;
  dispatch(action: Action): void;
  copy(text: string): void;
  /** Open the text in the user's editor; resolves with the saved text, or an error. */
  edit(text: string, name: string): Promise<{ text: string | null; error: string | null }>;
  quit(): void;
}

/** History rows for the search, at most this many. */
export const HISTORY_SEARCH_LIMIT = 200;

const say = (deps: EffectDeps, text: string, level: Notice['level'] = 'info') => deps.dispatch({ type: 'notice', notice: { text, level } });

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The full body: memory unless it was truncated or never loaded (history rows), else the history file. */
async function fullBody(deps: EffectDeps, row: EventRow): Promise<string | null> {
  if (row.body && !row.bodyTruncated) return row.body;
  const found = await deps.controller.findEvent(row.id);
  return found?.body ?? (row.body || null);
}

export async function runEffect(effect: Effect, deps: EffectDeps): Promise<void> {
  const s = deps.getState();
  if (effect === 'quit') return deps.quit();
  if (effect === 'toggle-pause') {
    const paused = !s.paused;
    deps.dispatch({ type: 'set-paused', paused });
    deps.controller.setPaused(paused);
    return say(deps, paused ? 'paused: new events queue (nothing is lost); p resumes' : 'resumed: forwarding queued events', paused ? 'warn' : 'info');
  }
  if (effect === 'replay-failed') {
    try {
      const n = await deps.controller.replayFailed();
      return say(deps, n ? `replaying ${n} failed event${n === 1 ? '' : 's'}` : 'no failed events to replay');
    } catch (e) {
      return say(deps, `replay failed: ${message(e)}`, 'error');
    }
  }
  if (effect === 'search-history') return searchHistory(deps);
  if (effect === 'load-details') return loadDetails(deps);
  const row = targetRow(s);
  if (!row) return say(deps, 'no event selected', 'warn');
  try {
    switch (effect) {
      case 'replay':
        say(deps, `replaying ${row.id} (re-signed with a fresh timestamp)…`);
        await deps.controller.replay(row.id);
        return say(deps, `replayed ${row.id}: see the new attempt in its details (Enter)`);
      case 'copy-id':
        deps.copy(row.id);
        return say(deps, `copied ${row.id}`);
      case 'copy-payload': {
        const body = await fullBody(deps, row);
        if (body === null) return say(deps, `payload of ${row.id} is not available (not in history)`, 'warn');
        deps.copy(body);
        return say(deps, `copied the payload of ${row.id} (${Buffer.byteLength(body)} bytes)`);
      }
      case 'edit-replay':
        return await editAndReplay(deps, row);
    }
  } catch (e) {
    say(deps, `${effect} failed: ${message(e)}`, 'error');
  }
}

async function editAndReplay(deps: EffectDeps, row: EventRow): Promise<void> {
  const body = await fullBody(deps, row);
  if (body === null) return say(deps, `payload of ${row.id} is not available (not in history)`, 'warn');
  const edited = await deps.edit(prettyBody(body), row.id);
  if (edited.text === null) return say(deps, `${edited.error ?? 'editor failed'}: nothing sent`, 'error');
  let parsed: unknown;
  try {
    parsed = JSON.parse(edited.text);
  } catch (e) {
    return say(deps, `invalid JSON (${message(e)}): nothing sent`, 'error');
  }
  // Compact, like every body we sign: the seed's receiver re-serializes with JSON.stringify.
  await deps.controller.replayBody(row.id, JSON.stringify(parsed));
  say(deps, `sent the modified ${row.id} (re-signed with a fresh timestamp)`);
}

async function loadDetails(deps: EffectDeps): Promise<void> {
  const s = deps.getState();
  const row = rowById(s, s.detailsId);
  if (!row || !row.fromHistory || row.body) return;
  try {
    const found = await deps.controller.findEvent(row.id);
    if (found) deps.dispatch({ type: 'history-loaded', event: found });
    else say(deps, `${row.id} is not in the local history`, 'warn');
  } catch (e) {
    say(deps, `could not load ${row.id}: ${message(e)}`, 'error');
  }
}

/** Older events left memory; ask the history file for matches and merge them into the list. */
async function searchHistory(deps: EffectDeps): Promise<void> {
  const text = deps.getState().filterText;
  const parsed = parseFilter(text);
  if (!text || parsed.error) return;
  try {
    const hits = await deps.controller.search(historyQuery(parsed), HISTORY_SEARCH_LIMIT);
    // The user may have changed the filter while we searched.
    if (deps.getState().filterText === text) deps.dispatch({ type: 'history-hits', hits });
  } catch (e) {
    say(deps, `history search failed: ${message(e)}`, 'warn');
  }
}
