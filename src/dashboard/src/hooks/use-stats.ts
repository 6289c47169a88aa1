// GET /v1/stats for a chart, kept live: a `delivery.updated` on the stream (for this endpoint, if
// one is given) refetches, at most once a second; the window also slides when its last bucket ends.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Stats } from '../../../contract/stats.js';
import type { Delivery } from '../../../contract/v1.js';
import { useApp, useBus } from './app-context.js';
import { errorMessage } from '../lib/api.js';
import { refreshDelay } from '../lib/stats.js';

export function useStats(window: string, endpoint?: string): { data: Stats | undefined; error: string | null } {
  const { api } = useApp();
  const [data, setData] = useState<Stats | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const lastAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(() => {
    const gen = ++generation.current;
    lastAt.current = Date.now();
    api.getStats({ window, endpoint }).then(
      (s) => {
        if (gen !== generation.current) return;
        setData(s);
        setError(null);
      },
      (e: unknown) => gen === generation.current && setError(errorMessage(e)),
    );
  }, [api, window, endpoint]);

  const schedule = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      load();
    }, refreshDelay(lastAt.current, Date.now()));
  }, [load]);

  useEffect(() => {
    setData(undefined);
    load();
    return () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [load]);

  useBus((m) => {
    if (m.event === 'ready') schedule();
    if (m.event === 'delivery.updated' && (!endpoint || (m.data as Delivery).endpoint_id === endpoint)) schedule();
  });

  // Slide the window when the newest bucket closes, even if nothing happens.
  const to = data?.to;
  useEffect(() => {
    if (!to) return;
    const t = setTimeout(schedule, Math.max(0, Date.parse(to) - Date.now()) + 50);
    return () => clearTimeout(t);
  }, [to, schedule]);

  return { data, error };
}
