// What the tray's menu items do, as the services' typed actions (the IPC handlers' own code), with
// the outcome told by notification, since there may be no window to show it in. Shared by the
// Electron composition root (compose.ts) and the preview host, so a click in the previewed tray
// runs exactly what a click in the real one does.
import { failureText } from '../../core/errors.js';
import type { WindowView } from '../../shared/ipc-contract.js';
import type { AppActions } from '../services.js';
import type { TrayActions } from './tray-model.js';

export interface TrayActionDeps {
  /** The running services' actions; undefined while they are still starting (clicks are ignored). */
  services(): AppActions | undefined;
  notify(notice: { title: string; body: string }): void;
  openWindow(view: WindowView): void;
  quit(): void;
}

export function createTrayActions(deps: TrayActionDeps): TrayActions {
  const run = <T>(
    failureTitle: string,
    action: (actions: AppActions) => Promise<T>,
    onValue?: (value: T) => void,
  ) => {
    const services = deps.services();
    if (!services) return;
    action(services).then(
      (value) => onValue?.(value),
      (error: unknown) => deps.notify({ title: `pgentra: ${failureTitle}`, body: failureText(error) }),
    );
  };
  return {
    copyToken: (cluster) =>
      run(
        'could not copy the token',
        (services) => services.copyToken(cluster),
        ({ clearsInSec }) =>
          deps.notify({
            title: 'pgentra',
            body: `Token for ${cluster} copied. The clipboard is cleared in ${clearsInSec} s.`,
          }),
      ),
    openPsql: (cluster) => run('could not open psql', (services) => services.openPsql(cluster)),
    // Without pgAdmin installed the message says where servers.json is and how to import it.
    openPgadmin: (cluster) =>
      run(
        'could not open pgAdmin',
        (services) => services.openPgadmin(cluster),
        ({ message }) => deps.notify({ title: 'pgentra', body: message }),
      ),
    copyConnectionString: (cluster) =>
      run('could not copy the connection string', (services) => services.copyConnectionString(cluster)),
    refresh: (cluster) => run('refresh failed', (services) => services.refresh(cluster)),
    signIn: () =>
      run(
        'sign-in failed',
        (services) => services.signInBrowser(),
        (account) => deps.notify({ title: 'pgentra', body: `Signed in as ${account.username}.` }),
      ),
    signOut: (accountId) => run('sign-out failed', (services) => services.signOut(accountId)),
    openWindow: (view) => deps.openWindow(view),
    setStartAtLogin: (enabled) =>
      run('could not change the setting', (services) => services.setStartAtLogin(enabled)),
    quit: () => deps.quit(),
  };
}
