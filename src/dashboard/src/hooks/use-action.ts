// Run a user action (a button or a form): tracks busy, and keeps the API error to show inline.
import { useCallback, useState } from 'react';
import { ApiError, errorMessage } from '../lib/api.js';

export interface Action {
  busy: boolean;
  error: string | null;
  /** The request field the API blamed (`url`, `events`...), to mark that input. */
  errorParam: string | undefined;
  run<T>(fn: () => Promise<T>): Promise<T | undefined>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setErr(null);
    try {
      return await fn();
    } catch (e) {
      setErr(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error: err ? errorMessage(err) : null, errorParam: err instanceof ApiError ? err.param : undefined, run };
}
