// The listen TUI's state machine: ListenEvents (in batches) and key intents in, view state out. Pure:
// no timers, no I/O, no React; the hook batches events and the components render what this returns.
import type { ListenEvent } from '../../relay/listen-events.js';
import { detailLines } from '../details-lines.js';
import { matches, parseFilter } from './filter.js';
import { detailsHeight, listHeight, scrollFor } from './layout.js';
import { countRow, emptyCounts, rowFromEvent, stubRow, withAttempt, withResponse } from './rows.js';
import { MAX_EVENTS, type EventRow, type Notice, type ViewState } from './types.js';

export interface HistoryHit {
  id: string;
  type: string;
  created: string;
  status: number | null;
}

export type Action =
  | { type: 'feed'; events: ListenEvent[] }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'tick'; now: number }
  | { type: 'move'; delta: number }
  | { type: 'page'; dir: 1 | -1 }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'open-details' }
  | { type: 'back' }
  | { type: 'filter-start' }
  | { type: 'filter-input'; text: string }
  | { type: 'filter-backspace' }
  | { type: 'filter-clear' }
  | { type: 'filter-apply' }
  | { type: 'toggle-help' }
  | { type: 'toggle-secret' }
  | { type: 'set-paused'; paused: boolean }
  | { type: 'notice'; notice: Notice | null }
  | { type: 'history-hits'; hits: HistoryHit[] }
  | { type: 'history-loaded'; event: { id: string; type: string; body: string } };

export function initialState(header: ViewState['header'], size: ViewState['size'], now: number): ViewState {
  return {
    header,
    session: { id: null, secret: null, targets: [], events: [] },
    connection: null,
    paused: false,
    receivers: {},
    order: [],
    rows: new Map(),
    historyHits: [],
    evicted: 0,
    evictedCounts: emptyCounts(),
    counts: emptyCounts(),
    filterText: '',
    filterDraft: '',
    filterError: null,
    visible: [],
    cursor: 0,
    follow: true,
    scrollTop: 0,
    detailsId: null,
    detailsScroll: 0,
    mode: 'list',
    returnMode: 'list',
    revealSecret: false,
    notice: null,
    size,
    now,
    fatal: null,
  };
}

export function rowById(s: ViewState, id: string | null | undefined): EventRow | undefined {
  if (!id) return undefined;
  return s.rows.get(id) ?? s.historyHits.find((h) => h.id === id);
}

export function selectedRow(s: ViewState): EventRow | undefined {
  return rowById(s, s.visible[s.cursor]);
}

/** The row keys like r / e / c act on: the open details pane's, else the list selection. */
export function targetRow(s: ViewState): EventRow | undefined {
  return s.mode === 'details' || (s.mode === 'help' && s.returnMode === 'details') ? rowById(s, s.detailsId) : selectedRow(s);
}

function applyFeed(s: ViewState, events: ListenEvent[]): ViewState {
  const rows = new Map(s.rows);
  let order = s.order;
  const added: string[] = [];
  let next: ViewState = { ...s };
  // An attempt on an event not in memory (a replay from history): keep what the history told us.
  const known = (id: string, at: number) => rows.get(id) ?? s.historyHits.find((h) => h.id === id) ?? stubRow(id, at);
  const upsert = (row: EventRow) => {
    if (!rows.has(row.id)) added.push(row.id);
    rows.set(row.id, row);
  };
  for (const e of events) {
    switch (e.kind) {
      case 'ready':
        next.session = { id: e.sessionId, secret: e.secret, targets: e.targets, events: e.events, ...(e.ingestUrl ? { ingestUrl: e.ingestUrl } : {}) };
        next.header = { ...next.header, apiUrl: e.apiUrl || next.header.apiUrl, profile: e.profile || next.header.profile };
        if (next.connection?.state !== 'ready') next.connection = { state: 'ready', sessionId: e.sessionId, at: next.now };
        break;
      case 'connection':
        next.connection = { ...e.connection, at: e.at };
        next.now = Math.max(next.now, e.at);
        break;
      case 'event':
        upsert(rowFromEvent(e, rows.get(e.id)));
        break;
      case 'attempt':
        upsert(withAttempt(known(e.eventId, e.at), e));
        break;
      case 'response':
        upsert(withResponse(known(e.eventId, e.at), e));
        break;
      case 'receiver':
        next.receivers = { ...next.receivers, [e.url]: { up: e.up, error: e.error, held: e.held } };
        break;
      case 'paused':
        next.paused = e.paused;
        break;
      case 'error':
        next.notice = { text: e.message, level: e.fatal ? 'error' : 'warn' };
        if (e.fatal) next.fatal = e.message;
        break;
    }
  }
  if (added.length) order = [...order, ...added];
  // Bounded memory: the oldest events leave memory (their counts stay); history still has them.
  const excess = order.length - MAX_EVENTS;
  if (excess > 0) {
    const evictedCounts = { ...next.evictedCounts };
    for (const id of order.slice(0, excess)) {
      const row = rows.get(id);
      if (row) countRow(evictedCounts, row);
      rows.delete(id);
    }
    next.evicted += excess;
    next.evictedCounts = evictedCounts;
    order = order.slice(excess);
  }
  next = { ...next, rows, order, historyHits: next.historyHits.filter((h) => !rows.has(h.id)) };
  return recount(refilter(next));
}

function recount(s: ViewState): ViewState {
  const c = { ...s.evictedCounts };
  for (const row of s.rows.values()) countRow(c, row);
  return { ...s, counts: c };
}

/** Recompute the visible ids, keep the cursor on the same event (or the newest when following). */
function refilter(s: ViewState): ViewState {
  const text = s.mode === 'filter' ? s.filterDraft : s.filterText;
  const parsed = parseFilter(text);
  const before = s.visible[s.cursor];
  let visible: string[];
  if (parsed.error) visible = s.visible;
  else if (!parsed.terms.length) visible = s.order;
  else {
    visible = [];
    for (const h of s.historyHits) if (matches(parsed, h)) visible.push(h.id);
    for (const id of s.order) if (matches(parsed, s.rows.get(id)!)) visible.push(id);
  }
  let cursor: number;
  if (s.follow) cursor = Math.max(0, visible.length - 1);
  else {
    const i = before === undefined ? -1 : visible.indexOf(before);
    cursor = i >= 0 ? i : Math.max(0, Math.min(s.cursor, visible.length - 1));
  }
  const h = listHeight(s.size.rows);
  const scrollTop = s.follow ? Math.max(0, visible.length - h) : scrollFor(cursor, s.scrollTop, h, visible.length);
  return { ...s, visible, cursor, scrollTop, filterError: parsed.error };
}

function moveTo(s: ViewState, cursor: number): ViewState {
  const last = Math.max(0, s.visible.length - 1);
  const c = Math.max(0, Math.min(cursor, last));
  return { ...s, cursor: c, follow: c === last, scrollTop: scrollFor(c, s.scrollTop, listHeight(s.size.rows), s.visible.length) };
}

function scrollDetails(s: ViewState, to: number): ViewState {
  const row = rowById(s, s.detailsId);
  const total = row ? detailLines(row, s.size.cols).length : 0;
  const max = Math.max(0, total - detailsHeight(s.size.rows));
  return { ...s, detailsScroll: Math.max(0, Math.min(to, max)) };
}

/** Key actions clear the previous notice; effects set a new one after. */
function key(s: ViewState): ViewState {
  return s.notice ? { ...s, notice: null } : s;
}

export function listenReducer(state: ViewState, action: Action): ViewState {
  switch (action.type) {
    case 'feed':
      return action.events.length ? applyFeed(state, action.events) : state;
    case 'resize':
      return refilter({ ...state, size: { cols: action.cols, rows: action.rows } });
    case 'tick':
      return { ...state, now: action.now };
    case 'notice':
      return { ...state, notice: action.notice };
    case 'set-paused':
      return { ...key(state), paused: action.paused };
    case 'toggle-secret':
      return { ...key(state), revealSecret: !state.revealSecret };
    case 'toggle-help':
      if (state.mode === 'help') return { ...key(state), mode: state.returnMode };
      return { ...key(state), mode: 'help', returnMode: state.mode === 'filter' ? 'list' : state.mode };
    case 'history-hits': {
      // Oldest first, like the list (the history search answers newest first).
      const hits: EventRow[] = [...action.hits]
        .reverse()
        .sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0))
        .filter((h) => !state.rows.has(h.id))
        .map((h) => ({ ...stubRow(h.id, Date.parse(h.created) || 0), type: h.type, created: h.created, historyStatus: h.status }));
      return refilter({ ...state, historyHits: hits });
    }
    case 'history-loaded': {
      const e = action.event;
      const hit = state.historyHits.find((h) => h.id === e.id);
      const inMem = state.rows.get(e.id);
      if (inMem) {
        const rows = new Map(state.rows).set(e.id, { ...inMem, type: inMem.fromHistory ? e.type : inMem.type, body: inMem.body || e.body });
        return { ...state, rows };
      }
      if (!hit) return state;
      return { ...state, historyHits: state.historyHits.map((h) => (h.id === e.id ? { ...h, type: e.type, body: e.body } : h)) };
    }
  }
  const s = key(state);
  if (s.mode === 'filter') {
    switch (action.type) {
      case 'filter-input':
        return refilter({ ...s, filterDraft: s.filterDraft + action.text });
      case 'filter-backspace':
        return refilter({ ...s, filterDraft: s.filterDraft.slice(0, -1) });
      case 'filter-clear':
        return refilter({ ...s, filterDraft: '' });
      case 'filter-apply':
        if (s.filterError) return s;
        return refilter({ ...s, mode: 'list', filterText: s.filterDraft.trim(), historyHits: [] });
      case 'back':
        return refilter({ ...s, mode: 'list', filterDraft: s.filterText });
      default:
        return s;
    }
  }
  if (s.mode === 'help') return action.type === 'back' ? { ...s, mode: s.returnMode } : s;
  if (s.mode === 'details') {
    const page = detailsHeight(s.size.rows);
    switch (action.type) {
      case 'move':
        return scrollDetails(s, s.detailsScroll + action.delta);
      case 'page':
        return scrollDetails(s, s.detailsScroll + action.dir * page);
      case 'home':
        return scrollDetails(s, 0);
      case 'end':
        return scrollDetails(s, Number.MAX_SAFE_INTEGER);
      case 'back':
        return { ...s, mode: 'list', detailsId: null, detailsScroll: 0 };
      case 'filter-start':
        return refilter({ ...s, mode: 'filter', filterDraft: s.filterText, detailsId: null });
      default:
        return s;
    }
  }
  switch (action.type) {
    case 'move':
      return moveTo(s, s.cursor + action.delta);
    case 'page':
      return moveTo(s, s.cursor + action.dir * listHeight(s.size.rows));
    case 'home':
      return moveTo(s, 0);
    case 'end':
      return moveTo(s, s.visible.length - 1);
    case 'open-details': {
      const row = selectedRow(s);
      if (!row) return { ...s, notice: { text: 'no event selected', level: 'warn' } };
      return { ...s, mode: 'details', detailsId: row.id, detailsScroll: 0 };
    }
    case 'back':
      // Esc in the list clears an active filter: the quickest way back to everything.
      return s.filterText ? refilter({ ...s, filterText: '', filterDraft: '', historyHits: [] }) : s;
    case 'filter-start':
      return { ...s, mode: 'filter', filterDraft: s.filterText };
    default:
      return s;
  }
}
