import { useState } from 'preact/hooks';

export interface Action {
  /** What the last action did, for the page's status line ('' while one runs). */
  message: string;
  /** Awaits the call; on success shows `done` and reloads the page's data. True when it worked. */
  run(what: Promise<unknown>, done: string): Promise<boolean>;
}

/**
 * What a page's buttons and forms do with the API: show the outcome in one status line and reload
 * the page's data when it worked. `run` answers whether it worked, so a form is cleared only then
 * and a refused entry can be corrected.
 */
export function useAction(reload: () => void): Action {
  const [message, setMessage] = useState('');
  return {
    message,
    run: async (what, done) => {
      setMessage('');
      try {
        await what;
        setMessage(done);
        reload();
        return true;
      } catch (err) {
        setMessage(err instanceof Error ? err.message : String(err));
        return false;
      }
    },
  };
}
