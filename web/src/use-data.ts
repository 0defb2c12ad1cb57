import { useEffect, useState } from 'preact/hooks';

export interface Data<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
}

/**
 * Loads `load()` now and every `everyMs` while the page is visible (0: once). For pages that change
 * rarely (agents, deliveries); the projects page, the runs list and the run page are pushed by the
 * server instead (live.ts).
 */
export function useData<T>(load: () => Promise<T>, deps: unknown[], everyMs = 0): Data<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const next = await load();
        if (live) {
          setData(next);
          setError(undefined);
        }
      } catch (err) {
        if (live) setError(err instanceof Error ? err.message : String(err));
      }
      if (live && everyMs > 0) timer = setTimeout(run, document.hidden ? everyMs * 5 : everyMs);
    };
    void run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
