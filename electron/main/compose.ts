// The composition root of the tray app: the only place that picks Electron adapters and wires
// them to the services (services.ts, shared with the preview host), the tray, the window and IPC.
// Electron arrives as an argument (main.electron.ts passes the real modules, tests a stub), so
// nothing here imports it at run time (eslint.config.js: only *.electron.ts files may).
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  App,
  BrowserWindow,
  Clipboard as ElectronClipboard,
  ClipboardItem,
  Dialog,
  IpcMain,
  Menu,
  NativeImage,
  nativeImage as NativeImageModule,
  Net,
  Notification,
  PowerMonitor,
  Screen,
  session as SessionModule,
  Shell,
  Tray,
} from 'electron';
import { resolveConfigDir } from '../core/config-dir.js';
import { createNodeProcesses, nodeFileSystem, systemClock } from '../core/node-ports.js';
import { EVENT_SIGN_IN, EVENT_SNAPSHOT, type AppSnapshot } from '../shared/ipc-contract.js';
import { createElectronBrowser } from './adapters/browser.js';
import { createElectronClipboard } from './adapters/clipboard.js';
import { createElectronFileDialog, type DialogLike } from './adapters/file-dialog.js';
import { createStartAtLogin, HIDDEN_ARG } from './adapters/login-item.js';
import { createElectronNotifier } from './adapters/notifier.js';
import { registerIpcHandlers, type IpcMainLike } from './ipc/register.js';
import { appPaths, pgentraCommandFor } from './paths.js';
import { offerMoveToApplications } from './app-location.js';
import { findTlsRootsDir } from '../core/tls-roots.js';
import { startServices, type Services } from './services.js';
import { renderTemplateIcon, renderTrayIcon, toNativeBitmap, type RgbaImage } from './tray/icon-renderer.js';
import { TrayController, type MenuLike, type TrayLike } from './tray/tray-controller.js';
import { createTrayActions } from './tray/tray-actions.js';
import type { TrayState } from './tray/tray-model.js';
import {
  hardenSession,
  MainWindow,
  type BrowserWindowClass,
  type SessionLike,
} from './windows/main-window.js';

/** The Electron main-process modules the app uses. */
export interface ElectronMain {
  app: App;
  BrowserWindow: typeof BrowserWindow;
  Tray: typeof Tray;
  Menu: typeof Menu;
  ipcMain: IpcMain;
  nativeImage: typeof NativeImageModule;
  clipboard: ElectronClipboard;
  ClipboardItem: typeof ClipboardItem;
  Notification: typeof Notification;
  shell: Shell;
  session: typeof SessionModule;
  screen: Screen;
  powerMonitor: PowerMonitor;
  dialog: Dialog;
  net: Net;
}

export interface StartOptions {
  /** The directory of dist/main/main.cjs. */
  mainDir: string;
  env: NodeJS.ProcessEnv;
  argv: readonly string[];
  platform: NodeJS.Platform;
  log(message: string): void;
}

export interface RunningApp {
  services: Services;
  window: MainWindow;
  tray: TrayController;
  quit(): void;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The tray icon per platform: a template image plus title on macOS, a drawn badge elsewhere. */
function trayIconFactory(electron: ElectronMain, platform: NodeJS.Platform, assets: string) {
  const fromBitmap = (image: RgbaImage, scale: number) =>
    electron.nativeImage.createFromBitmap(toNativeBitmap(image), {
      width: image.width,
      height: image.height,
      scaleFactor: scale,
    });
  let scale = 1;
  try {
    scale = Math.min(3, Math.max(1, electron.screen.getPrimaryDisplay().scaleFactor || 1));
  } catch {
    scale = 1;
  }
  if (platform === 'darwin') {
    // trayTemplate.png (+ @2x) from build/generate-icons.ts; drawn in code when absent.
    let template = electron.nativeImage.createFromPath(path.join(assets, 'trayTemplate.png'));
    if (template.isEmpty()) template = fromBitmap(renderTemplateIcon(16, 2), 2);
    template.setTemplateImage(true);
    return () => template;
  }
  const size = platform === 'win32' ? 16 : 22;
  return (state: TrayState) =>
    fromBitmap(renderTrayIcon({ level: state.level, minutesLeft: state.minutesLeft, size, scale }), scale);
}

/** Runs the app: single-instance lock, then everything once Electron is ready. */
export async function startApp(electron: ElectronMain, options: StartOptions): Promise<RunningApp | null> {
  const { app } = electron;
  const { env, platform, log } = options;

  if (!app.requestSingleInstanceLock()) {
    // Another pgentra runs; it shows its window (second-instance below) and this one leaves.
    app.quit();
    return null;
  }
  // Every renderer sandboxed, whatever a window's own options say.
  app.enableSandbox();
  if (platform === 'win32') app.setAppUserModelId('dev.pgentra.app');

  // Filled in as the pieces come up; closures created earlier read them from here.
  const live: { window?: MainWindow; services?: Services } = {};
  app.on('second-instance', () => {
    live.window?.show();
    if (platform === 'darwin') app.focus({ steal: true });
  });
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);
  // Defence in depth for any web contents besides our window (which sets its own handlers).
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  await app.whenReady();
  if (
    offerMoveToApplications({
      platform,
      isPackaged: app.isPackaged,
      isInApplicationsFolder: () => app.isInApplicationsFolder(),
      moveToApplicationsFolder: () => app.moveToApplicationsFolder(),
      ask: (question) => electron.dialog.showMessageBoxSync({ type: 'question', ...question }),
      log,
    })
  )
    return null;

  const paths = appPaths(options.mainDir);
  hardenSession(electron.session.defaultSession as unknown as SessionLike);

  // IPC first, before the tray or a second instance can open the window: a call from a window
  // opened during a slow start waits here for the services instead of finding no handler.
  let servicesUp: (services: Services) => void = () => undefined;
  let servicesFailed: (error: unknown) => void = () => undefined;
  const servicesReady = new Promise<Services>((resolve, reject) => {
    servicesUp = resolve;
    servicesFailed = reject;
  });
  const unregister = registerIpcHandlers(
    electron.ipcMain as unknown as IpcMainLike,
    servicesReady.then((services) => services.handlers),
    { isTrustedSender: (event) => live.window?.isTrustedSender(event) ?? false, log },
  );

  const processes = createNodeProcesses();
  const nodePath = app.isPackaged
    ? null
    : (env.npm_node_execpath ?? (await processes.which('node').catch(() => null)));
  const pgentraCommand = pgentraCommandFor({
    isPackaged: app.isPackaged,
    platform,
    resourcesPath: process.resourcesPath,
    root: paths.root,
    nodePath,
    execPath: process.execPath,
  });

  const browser = createElectronBrowser(electron.shell);
  const window = new MainWindow({
    BrowserWindow: electron.BrowserWindow as unknown as BrowserWindowClass,
    preloadPath: paths.preload,
    indexPath: paths.rendererIndex,
    rendererUrl: paths.rendererUrl,
    openInBrowser: (url) =>
      void browser.open(url).catch((error: unknown) => log(`browser: ${describe(error)}`)),
    isPackaged: app.isPackaged,
    platform,
    // No time for the clipboard read before clearing, nor for the agent's goodbye: Windows ends
    // the process once this event returns.
    onSessionEnd: () => void live.services?.endSession(),
    log,
  });

  live.window = window;
  // Registered before anything slow: a hidden window that refuses to close would cancel a quit.
  app.on('before-quit', () => window.allowClose());

  const notifier = createElectronNotifier({
    isSupported: () => electron.Notification.isSupported(),
    create: (notificationOptions) => new electron.Notification(notificationOptions),
    onAction: (id) => {
      if (id === 'sign-in') actions.signIn();
      else if (id === 'refresh-all') actions.refresh(null);
      // Through the tray action, which also brings the app to the front on macOS.
      else actions.openWindow('clusters');
    },
    clock: systemClock,
    log,
  });

  // Actions from notifications and the tray run the services' typed actions; a failure becomes
  // a notification, since there is no window to show it in.
  const actions = createTrayActions({
    services: () => live.services?.actions,
    notify: (notice) => notifier.notify(notice),
    openWindow: (view) => {
      window.show(view);
      // A menu-bar app (LSUIElement) is never frontmost by itself on macOS.
      if (platform === 'darwin') app.focus({ steal: true });
    },
    quit: () => app.quit(),
  });

  const setStartAtLogin = createStartAtLogin({
    platform,
    isPackaged: app.isPackaged,
    env,
    homedir: os.homedir(),
    execPath: process.execPath,
    setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
    writeFile: async (file, text) => {
      await fsp.mkdir(path.dirname(file), { recursive: true });
      await fsp.writeFile(file, text, { mode: 0o644 });
    },
    removeFile: (file) => fsp.rm(file, { force: true }),
    log,
  });

  const tray = new TrayController({
    platform,
    clock: systemClock,
    actions,
    iconFor: trayIconFactory(electron, platform, paths.assets),
    createTray: (image) => new electron.Tray(image as NativeImage) as unknown as TrayLike,
    buildMenu: (template) => electron.Menu.buildFromTemplate(template) as unknown as MenuLike,
  });

  const publish = (snapshot: AppSnapshot) => {
    window.send(EVENT_SNAPSHOT, snapshot);
    tray.update(snapshot);
  };

  let started: Services;
  try {
    started = await startServices({
      configDir: resolveConfigDir(env),
      env,
      fs: nodeFileSystem,
      clock: systemClock,
      clipboard: createElectronClipboard(electron.clipboard, {
        platform,
        writeItem: (entries) => electron.clipboard.write([new electron.ClipboardItem(entries)]),
        log,
      }),
      notifier,
      browser,
      // Sign-in and refreshes through Chromium's network stack: the system proxy, PAC and WPAD.
      fetch: (url, init) => electron.net.fetch(url, init),
      // Modal to the window when it is open (the picker is only asked for from the window).
      dialog: createElectronFileDialog(
        electron.dialog as unknown as DialogLike<BrowserWindow | undefined>,
        () => window.window as unknown as BrowserWindow | undefined,
      ),
      pgentraCommand,
      // Packaged: resources/app.asar/dist/main → resources/cli/assets/tls (outside the archive, where psql can read it).
      tlsRootsDir: findTlsRootsDir(options.mainDir),
      serveAgent: true,
      log,
      onSnapshot: publish,
      onSignInFinished: (event) => {
        window.send(EVENT_SIGN_IN, event);
        notifier.notify({ title: 'pgentra', body: event.message });
      },
      setStartAtLogin,
    });
  } catch (error) {
    servicesFailed(error);
    throw error;
  }
  live.services = started;
  servicesUp(started);

  // Timers stall during sleep: redraw the countdown as soon as the machine is back.
  electron.powerMonitor.on('resume', () => started.changed());

  // Quit: let the window close for real, stop the services (clears the clipboard if it still
  // holds our token, stops the agent socket), then leave.
  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    tray.dispose();
    unregister();
    started
      .stop()
      .catch((error: unknown) => log(`stop: ${describe(error)}`))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });

  const snapshot = await started.snapshot();
  publish(snapshot);
  // Apply the saved setting at start too: the OS entry may have been removed behind our back.
  if (snapshot.settings.startAtLogin) setStartAtLogin(true);

  const openedAtLogin =
    options.argv.includes(HIDDEN_ARG) ||
    (platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true);
  if (openedAtLogin) window.preload();
  else window.show();

  log(`started (config ${resolveConfigDir(env)}; pgAdmin runs ${pgentraCommand.join(' ')})`);
  return { services: started, window, tray, quit: () => app.quit() };
}
