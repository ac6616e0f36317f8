// The one app window. Security settings are spelled out even where they equal Electron's defaults,
// so a reader (and Electronegativity) sees them, and a future default change cannot loosen them.
import type { BrowserWindowConstructorOptions, Event as ElectronEvent, HandlerDetails } from 'electron';
import { EVENT_SHOW_VIEW, type WindowView } from '../../shared/api-surface.js';
import { CONTENT_SECURITY_POLICY, isAllowedRendererUrl, isSafeExternalUrl } from './url-policy.js';

/** The frame an IPC message came from, as Electron's WebFrameMain shows it. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

export interface WebContentsLike {
  readonly id: number;
  isDestroyed(): boolean;
  isLoading(): boolean;
  once(event: 'did-finish-load', listener: () => void): unknown;
  send(channel: string, ...args: unknown[]): void;
  setWindowOpenHandler(handler: (details: HandlerDetails) => { action: 'deny' }): void;
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: ElectronEvent, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: ElectronEvent) => void): unknown;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadFile(filePath: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  destroy(): void;
  on(event: 'close', listener: (event: ElectronEvent) => void): unknown;
  on(event: 'closed' | 'session-end', listener: () => void): unknown;
}

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

/** Electron's BrowserWindow class, or a fake with the same constructor. */
export type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindowLike;

export interface MainWindowDeps {
  /** Electron's BrowserWindow; tests pass a fake class. */
  BrowserWindow: BrowserWindowClass;
  preloadPath: string;
  /** dist/renderer/index.html, absolute. */
  indexPath: string;
  /** The same page as a file:// URL: the only origin IPC is accepted from. */
  rendererUrl: string;
  /** Opens a link in the system browser (the Browser port: http/https only). */
  openInBrowser(url: string): void;
  isPackaged: boolean;
  /**
   * Windows is logging off or shutting down: Electron emits `session-end` on each window
   * (docs/api/browser-window.md) and the process ends; before-quit and will-quit are not emitted
   * then (docs/api/app.md).
   */
  onSessionEnd?(): void;
  /** Which OS's path rules the renderer URL follows (the drive letter's case on Windows). */
  platform: NodeJS.Platform;
  log(message: string): void;
}

/** Denies every permission (camera, notifications, clipboard-read …) and adds the CSP header. */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // file:// responses carry no headers, so the <meta> CSP in index.html is what applies there;
  // this header covers anything the session ever loads over a network scheme.
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    }),
  );
}

export class MainWindow {
  readonly #deps: MainWindowDeps;
  #window: BrowserWindowLike | undefined;
  #quitting = false;

  constructor(deps: MainWindowDeps) {
    this.#deps = deps;
  }

  /** Shows (creating it if needed) and focuses the window, at `view` when given. */
  show(view?: WindowView): void {
    const window = this.#ensure();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    if (!view) return;
    // A window created just now has no page yet to receive the push: wait for it.
    const contents = window.webContents;
    if (contents.isLoading()) contents.once('did-finish-load', () => this.send(EVENT_SHOW_VIEW, view));
    else this.send(EVENT_SHOW_VIEW, view);
  }

  hide(): void {
    this.#window?.hide();
  }

  /** Creates the window without showing it (so a later show is instant). */
  preload(): void {
    this.#ensure();
  }

  /** Push to the renderer; dropped when there is no live window (it asks for a snapshot on load). */
  send(channel: string, payload: unknown): void {
    const contents = this.#window?.webContents;
    if (!contents || contents.isDestroyed()) return;
    contents.send(channel, payload);
  }

  /**
   * Whether an IPC event comes from our page: our window's webContents, its main frame (not an
   * iframe), at our renderer URL.
   */
  isTrustedSender(event: { sender: { id: number } | null; senderFrame: FrameLike | null }): boolean {
    const window = this.#window;
    if (!window || window.isDestroyed()) return false;
    const frame = event.senderFrame;
    return (
      event.sender?.id === window.webContents.id &&
      frame !== null &&
      frame.parent === null &&
      isAllowedRendererUrl(frame.url, this.#deps.rendererUrl, this.#deps.platform)
    );
  }

  /** From now on, closing really closes (the app is quitting). */
  allowClose(): void {
    this.#quitting = true;
  }

  get window(): BrowserWindowLike | undefined {
    return this.#window;
  }

  #ensure(): BrowserWindowLike {
    if (this.#window && !this.#window.isDestroyed()) return this.#window;
    const deps = this.#deps;
    const { BrowserWindow } = deps;
    // Written out as a literal (not built by a helper) so that Electronegativity, which matches
    // `new BrowserWindow({...})`, checks every one of these.
    const window = new BrowserWindow({
      width: 880,
      height: 640,
      minWidth: 560,
      minHeight: 420,
      show: false,
      title: 'pgentra',
      autoHideMenuBar: true,
      webPreferences: {
        preload: deps.preloadPath,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        spellcheck: false,
        navigateOnDragDrop: false,
        // Chromium's "middle click opens a new window": our links never should.
        disableBlinkFeatures: 'Auxclick',
        devTools: !deps.isPackaged,
      },
    });
    const contents = window.webContents;

    // No pop-ups; a web link goes to the system browser instead (https only from here).
    contents.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url, ['https:'])) deps.openInBrowser(url);
      return { action: 'deny' };
    });
    // The page never navigates: it is one document that talks to us over IPC.
    const block = (event: ElectronEvent, url: string) => {
      event.preventDefault();
      if (isSafeExternalUrl(url, ['https:'])) deps.openInBrowser(url);
      else deps.log(`window: blocked navigation to ${url.slice(0, 200)}`);
    };
    contents.on('will-navigate', block);
    contents.on('will-redirect', block);
    contents.on('will-attach-webview', (event) => event.preventDefault());

    // A tray app: closing the window hides it; Quit in the tray menu ends the app.
    window.on('close', (event) => {
      if (this.#quitting) return;
      event.preventDefault();
      window.hide();
    });
    window.on('session-end', () => deps.onSessionEnd?.());
    window.on('closed', () => {
      if (this.#window === window) this.#window = undefined;
    });
    window.loadFile(deps.indexPath).catch((error: unknown) => {
      deps.log(
        `window: cannot load ${deps.indexPath}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    this.#window = window;
    return window;
  }
}
