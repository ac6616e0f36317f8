// Everything the tray app runs, composed without Electron: the core, its background services
// (scheduler, pgpass sink, agent socket), the IPC handlers, and change notifications. The
// Electron composition root (compose.ts) and the preview host (Playwright, `npm run demo`) both
// start exactly this, with their own ports for clipboard, notifications and browser.
import os from 'node:os';
import { adviceFor, type AuthErrorKind } from '../core/errors.js';
import { startBackground, type Background } from '../core/background.js';
import { Launchers } from '../core/launchers.js';
import { createNodeProcesses } from '../core/node-ports.js';
import type { ClusterView, Pgentra } from '../core/pgentra.js';
import type {
  Browser,
  Clipboard,
  Clock,
  FetchPort,
  FileDialog,
  FileSystem,
  Notifier,
} from '../core/ports.js';
import { ClipboardGuard } from '../core/sinks/clipboard.js';
import type {
  AccountSnapshot,
  AppSnapshot,
  SettingsSnapshot,
  SignInFinished,
} from '../shared/ipc-contract.js';
import { createHandlers, type HandlerDeps } from './ipc/handlers.js';
import { buildSnapshot } from './snapshot.js';

export interface ServiceDeps {
  configDir: string;
  env: NodeJS.ProcessEnv;
  fs: FileSystem;
  clock: Clock;
  clipboard: Clipboard;
  notifier: Notifier;
  browser: Browser;
  /** MSAL's transport (the app: Electron's net.fetch, with the system proxy); default node:https. */
  fetch?: FetchPort;
  /** Picks the pgpass file and pgAdmin (Electron's dialog; a scripted one in the preview host). */
  dialog: FileDialog;
  /** The command pgAdmin runs for a password (absolute paths), e.g. [node, bin/pgentra.cjs]. */
  pgentraCommand: string[];
  /** The Azure root certificates pgentra ships (`findTlsRootsDir`). */
  tlsRootsDir: string | null;
  /** Serve `pgentra token` on the local socket (off when another agent already does). */
  serveAgent: boolean;
  log: (message: string) => void;
  /** Pushes a new snapshot to every window. */
  onSnapshot: (snapshot: AppSnapshot) => void;
  onSignInFinished: (event: SignInFinished) => void;
  setStartAtLogin?: (enabled: boolean) => void;
  /** Where "Install the pgentra command" puts its launcher (default: the OS user's home). */
  homedir?: string;
  /** Overrides for tests; default: open a real terminal / pgAdmin. */
  openPsql?: (cluster: ClusterView) => Promise<void>;
  openPgadmin?: (cluster: ClusterView) => Promise<string>;
}

/**
 * What the tray and notifications ask for, by name and typed. Each runs the IPC handler's own code,
 * so a click in the tray and the same click in the window behave alike; a failure rejects.
 */
export interface AppActions {
  copyToken(cluster: string): Promise<{ clearsInSec: number }>;
  /** Opens psql in a new terminal window. */
  openPsql(cluster: string): Promise<null>;
  /** Resolves with what happened, for the user (where servers.json is when pgAdmin is missing). */
  openPgadmin(cluster: string): Promise<{ message: string }>;
  copyConnectionString(cluster: string): Promise<null>;
  /** null refreshes every token. */
  refresh(cluster: string | null): Promise<null>;
  signInBrowser(): Promise<AccountSnapshot>;
  signOut(accountId: string): Promise<null>;
  setStartAtLogin(enabled: boolean): Promise<SettingsSnapshot>;
}

export interface Services {
  core: Pgentra;
  handlers: ReturnType<typeof createHandlers>;
  actions: AppActions;
  clipboard: ClipboardGuard;
  snapshot(): Promise<AppSnapshot>;
  /** Refresh a broadcast soon (coalesced): state changes come in bursts. */
  changed(): void;
  stop(): Promise<void>;
  /**
   * Windows is logging off or shutting down (the window's session-end; no before-quit or
   * will-quit follows): clear a token we copied and close the agent now, in this turn.
   */
  endSession(): Promise<void>;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function startServices(deps: ServiceDeps): Promise<Services> {
  const { Pgentra } = await import('../core/pgentra.js');
  const warnings: string[] = [];
  const core = await Pgentra.open({
    configDir: deps.configDir,
    env: deps.env,
    fs: deps.fs,
    clock: deps.clock,
    browser: deps.browser,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    tlsRootsDir: deps.tlsRootsDir,
    warn: (message) => {
      if (!warnings.includes(message)) warnings.push(message);
      deps.log(`warning: ${message}`);
    },
  });
  const clipboard = new ClipboardGuard(deps.clipboard, deps.clock, deps.log);
  const launchers = new Launchers({
    ...deps,
    processes: createNodeProcesses(),
    homedir: deps.homedir ?? os.homedir(),
    settings: () => core.settings,
    connectionTarget: (name, options) => core.connectionTarget(name, options),
  });

  let background: Background | undefined;
  const snapshot = () =>
    buildSnapshot({
      core,
      now: deps.clock.now,
      warnings: () => warnings,
      forwards: () => background?.forwards() ?? [],
    });
  let pending: (() => void) | undefined;
  const changed = () => {
    if (pending) return;
    pending = deps.clock.setTimeout(() => {
      pending = undefined;
      snapshot().then(deps.onSnapshot, (error: unknown) =>
        deps.log(`snapshot failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, 50);
  };

  const handlerDeps: HandlerDeps = {
    core,
    clipboard,
    now: () => deps.clock.now(),
    openPsql: deps.openPsql ?? ((cluster) => launchers.openPsql(cluster)),
    openPgadmin: deps.openPgadmin ?? ((cluster) => launchers.openPgadmin(cluster)),
    installCli: () => launchers.installCli(),
    dialog: deps.dialog,
    broadcastSnapshot: changed,
    signInFinished: deps.onSignInFinished,
    setStartAtLogin: deps.setStartAtLogin,
    warnings: () => warnings,
  };
  const handlers = createHandlers(handlerDeps);
  const actions: AppActions = {
    copyToken: (cluster) => handlers['clusters:copyToken'](cluster),
    openPsql: (cluster) => handlers['clusters:openPsql'](cluster),
    openPgadmin: (cluster) => handlers['clusters:openPgadmin'](cluster),
    copyConnectionString: (cluster) => handlers['clusters:copyConnectionString'](cluster),
    refresh: (cluster) => handlers['clusters:refresh'](cluster),
    signInBrowser: () => handlers['accounts:signInBrowser'](),
    signOut: (accountId) => handlers['accounts:signOut'](accountId),
    setStartAtLogin: (enabled) => handlers['settings:update']({ startAtLogin: enabled }),
  };

  // Notifications: once per state change (the engine announces needs-sign-in once), and for
  // refresh failures only when they persist (the third in a row), with the fix in the text.
  const offs = [
    core.onTokens('state-changed', changed),
    core.onTokens('needs-sign-in', (state) =>
      deps.notifier.notify({
        title: 'pgentra: sign-in needed',
        body: `${state.lastError?.message ?? 'Your Entra sign-in expired.'} ${adviceFor('needs-sign-in')}`,
        action: { label: 'Sign in', id: 'sign-in' },
      }),
    ),
    core.onTokens('refresh-failed', (state) => {
      if (state.consecutiveFailures !== 3) return;
      const kind = state.lastError?.kind ?? 'unknown';
      deps.notifier.notify({
        title: 'pgentra: token refresh keeps failing',
        body: `${state.lastError?.message ?? ''} ${adviceFor(kind as AuthErrorKind)}`,
        action: { label: 'Retry now', id: 'refresh-all' },
      });
    }),
  ];

  try {
    background = await startBackground(core, {
      configDir: deps.configDir,
      env: deps.env,
      serveAgent: deps.serveAgent,
      owner: 'tray',
      log: deps.log,
      clock: deps.clock,
      fs: deps.fs,
      onConfigChanged: changed,
      onForwardsChanged: changed,
    });
  } catch (error) {
    deps.log(`background services: ${error instanceof Error ? error.message : String(error)}`);
    background = await startBackground(core, {
      configDir: deps.configDir,
      env: deps.env,
      serveAgent: false,
      owner: 'tray',
      log: deps.log,
      clock: deps.clock,
      fs: deps.fs,
      onConfigChanged: changed,
      onForwardsChanged: changed,
    });
  }

  let stopping: Promise<void> | undefined;
  // Both begin in this turn: the agent socket closes even if the clipboard read never answers.
  const stop = () =>
    (stopping ??= (async () => {
      pending?.();
      for (const off of offs) off();
      const cleared = clipboard
        .clearIfStillOurs()
        .catch((error: unknown) => deps.log(`clipboard: cannot clear on quit: ${describe(error)}`));
      await Promise.all([cleared, background?.stop()]);
    })());

  return {
    core,
    handlers,
    actions,
    clipboard,
    snapshot,
    changed,
    stop,
    endSession() {
      const cleared = clipboard
        .clearNow()
        .catch((error: unknown) => deps.log(`clipboard: ${describe(error)}`));
      return Promise.all([cleared, stop()]).then(() => undefined);
    },
  };
}
