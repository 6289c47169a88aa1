// Per-login context: the API client, the live stream (one per tab) and logout. Pages subscribe to
// stream messages with useBus() and patch their own state.
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createApi, type Api } from '../lib/api.js';
import { openStream, type SseMessage, type StreamState } from '../lib/sse.js';

export type BusHandler = (msg: { event: string; data: unknown }) => void;

interface AppContextValue {
  api: Api;
  logout(): void;
  streamState: StreamState;
  subscribe(fn: BusHandler): () => void;
}

const Ctx = createContext<AppContextValue | null>(null);

export function AppProvider({ apiKey, onLogout, children }: { apiKey: string; onLogout(): void; children: ReactNode }) {
  const api = useMemo(() => createApi(apiKey), [apiKey]);
  const [streamState, setStreamState] = useState<StreamState>('connecting');
  const handlers = useRef(new Set<BusHandler>());

  useEffect(() => {
    const dispatch = (msg: SseMessage) => {
      let data: unknown = null;
      try {
        data = JSON.parse(msg.data);
      } catch {
        return;
      }
      for (const h of handlers.current) h({ event: msg.event, data });
    };
    return openStream({ key: apiKey, onMessage: dispatch, onState: setStreamState });
  }, [apiKey]);

  const value = useMemo<AppContextValue>(
    () => ({
      api,
      logout: onLogout,
      streamState,
      subscribe(fn) {
        handlers.current.add(fn);
        return () => void handlers.current.delete(fn);
      },
    }),
    [api, onLogout, streamState],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useApp(): AppContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useApp outside AppProvider');
  return v;
}

/** Run `handler` for every live message; the latest handler is used without resubscribing. */
export function useBus(handler: BusHandler): void {
  const { subscribe } = useApp();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => subscribe((m) => ref.current(m)), [subscribe]);
}
