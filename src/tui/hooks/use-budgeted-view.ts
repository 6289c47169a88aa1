// The store's state for React, published at most FRAMES_PER_SECOND times in any second. Every
// publish is one React commit and so one Ink frame; Ink's own throttle is set high so that it adds no
// delay of its own (see run-tui.ts).
import { useEffect, useState } from 'react';
import type { Store } from '../store.js';
import type { ViewState } from '../state/types.js';
import { FrameBudget } from '../frame-budget.js';

export function useBudgetedView(store: Store): ViewState {
  const [view, setView] = useState(store.getState);
  useEffect(() => {
    const budget = new FrameBudget();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const publish = () => {
      timer = null;
      const wait = budget.take(performance.now());
      if (wait === 0) setView(store.getState());
      else timer = setTimeout(publish, wait);
    };
    // The state may have moved between the first render and this effect.
    if (store.getState() !== view) publish();
    const unsubscribe = store.subscribe(() => {
      if (!timer) publish();
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- subscribe once per store
  }, [store]);
  return view;
}
