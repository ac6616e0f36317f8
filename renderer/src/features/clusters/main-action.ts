// Which launcher is a cluster's main button: psql or pgAdmin, the person's choice, kept in this
// window's storage (a look-and-feel choice: the core and the CLI never need it).
import { useCallback, useSyncExternalStore } from 'react';

export type MainAction = 'psql' | 'pgadmin';

const KEY = 'pgentra.mainAction';
const listeners = new Set<() => void>();

function read(): MainAction {
  try {
    return window.localStorage.getItem(KEY) === 'pgadmin' ? 'pgadmin' : 'psql';
  } catch {
    // Storage can be off (a locked-down profile): psql, as on first run.
    return 'psql';
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useMainAction(): [MainAction, (choice: MainAction) => void] {
  const value = useSyncExternalStore(subscribe, read);
  const choose = useCallback((choice: MainAction) => {
    try {
      window.localStorage.setItem(KEY, choice);
    } catch {
      // Not kept; the choice still holds until the window reloads.
    }
    for (const listener of listeners) listener();
  }, []);
  return [value, choose];
}
