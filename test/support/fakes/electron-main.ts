// The Electron main-process modules compose.ts uses, in memory, so `startApp` runs in plain Node:
// events are recorded and can be emitted by the test (a tray click, a window's session-end), and
// the renderer's IPC calls go through the handlers the app registered, from our page's frame.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import type { ElectronMain } from '../../../electron/main/compose.js';
import type { IpcInvokeEventLike } from '../../../electron/main/ipc/register.js';
import type { Result } from '../../../electron/shared/ipc-contract.js';

type Listener = (...args: unknown[]) => unknown;

class Emitter extends EventEmitter {
  /** Emits like Electron: listeners get an event whose preventDefault is recorded. */
  fire(event: string, ...args: unknown[]): { defaultPrevented: boolean } {
    const electronEvent = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit(event, electronEvent, ...args);
    return electronEvent;
  }
}

const image = {
  isEmpty: () => false,
  setTemplateImage: () => undefined,
};

export class FakeElectron {
  readonly log: string[] = [];
  readonly focusCalls: unknown[] = [];
  readonly errorBoxes: { title: string; content: string }[] = [];
  readonly windows: FakeBrowserWindow[] = [];
  readonly trays: FakeTray[] = [];
  readonly notifications: FakeNotification[] = [];
  readonly opened: string[] = [];
  /** URLs asked of net.fetch. */
  readonly fetched: string[] = [];
  readonly handlers = new Map<string, Listener>();
  /** Runs as soon as a tray exists (the user clicking during a slow start). */
  onTrayCreated: ((tray: FakeTray) => void) | undefined;
  clipboardText = '';
  exitCode: number | undefined;
  quitRequested = 0;
  readonly appEvents = new Emitter();
  notificationsSupported = true;

  /** What ipcRenderer.invoke(channel, args) from the window's page would get back. */
  async invoke(channel: string, args: unknown[] = []): Promise<Result<unknown>> {
    const window = this.windows.at(-1);
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    const event: IpcInvokeEventLike = {
      sender: { id: window?.webContents.id ?? -1 },
      senderFrame: { url: window?.webContents.url ?? '', parent: null },
    };
    return (await listener(event, args)) as Result<unknown>;
  }

  #modules: ElectronMain | undefined;

  /** The modules, one set per fake, so a test may replace a method compose.ts will call. */
  modules(): ElectronMain {
    this.#modules ??= this.#build();
    return this.#modules;
  }

  #build(): ElectronMain {
    // The classes below are constructed by compose.ts, not by us: they report to this instance.
    const fake: FakeElectron = this; // eslint-disable-line @typescript-eslint/no-this-alias
    const app = Object.assign(this.appEvents, {
      isPackaged: false,
      requestSingleInstanceLock: () => true,
      enableSandbox: () => undefined,
      setAppUserModelId: () => undefined,
      whenReady: async () => undefined,
      focus: (options?: unknown) => void fake.focusCalls.push(options),
      quit: () => void (fake.quitRequested += 1),
      exit: (code?: number) => void (fake.exitCode = code ?? 0),
      getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
      setLoginItemSettings: () => undefined,
    });
    class Tray extends FakeTray {
      constructor() {
        super();
        fake.trays.push(this);
        const hook = fake.onTrayCreated;
        // After the controller has attached its listeners, as a user's click would be.
        if (hook) queueMicrotask(() => hook(this));
      }
    }
    class BrowserWindow extends FakeBrowserWindow {
      constructor(options: unknown) {
        super(options);
        fake.windows.push(this);
      }
    }
    class Notification extends FakeNotification {
      static isSupported = () => fake.notificationsSupported;
      constructor(options: { title: string; body: string }) {
        super(options);
        fake.notifications.push(this);
      }
    }
    const modules = {
      app,
      BrowserWindow,
      Tray,
      Menu: { buildFromTemplate: (template: unknown[]) => Object.assign(new Emitter(), { template }) },
      ipcMain: {
        handle: (channel: string, listener: Listener) => void fake.handlers.set(channel, listener),
        removeHandler: (channel: string) => void fake.handlers.delete(channel),
      },
      nativeImage: { createFromBitmap: () => image, createFromPath: () => image },
      clipboard: {
        readText: async () => fake.clipboardText,
        writeText: async (text: string) => void (fake.clipboardText = text),
        write: async (items: { text: string }[]) => void (fake.clipboardText = items[0]?.text ?? ''),
        clear: () => void (fake.clipboardText = ''),
      },
      ClipboardItem: class {
        readonly text: string;
        constructor(entries: Record<string, unknown>) {
          this.text = String(entries['text/plain'] ?? '');
        }
      },
      Notification,
      shell: { openExternal: async (url: string) => void fake.opened.push(url) },
      session: {
        defaultSession: {
          setPermissionRequestHandler: () => undefined,
          setPermissionCheckHandler: () => undefined,
          webRequest: { onHeadersReceived: () => undefined },
        },
      },
      screen: { getPrimaryDisplay: () => ({ scaleFactor: 1 }) },
      // No network here: every request is recorded and fails as Chromium's would offline.
      net: {
        fetch: async (url: string) => {
          fake.fetched.push(url);
          throw new TypeError('net::ERR_INTERNET_DISCONNECTED');
        },
      },
      powerMonitor: new Emitter(),
      dialog: {
        showErrorBox: (title: string, content: string) => void fake.errorBoxes.push({ title, content }),
        showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
        showSaveDialog: async () => ({ canceled: true }),
      },
    };
    return modules as unknown as ElectronMain;
  }
}

export class FakeTray extends Emitter {
  popUps: { template: unknown[] }[] = [];
  contextMenus: unknown[] = [];
  destroyed = false;
  setImage = () => undefined;
  setToolTip = () => undefined;
  setTitle = () => undefined;
  setContextMenu = (menu: unknown) => void this.contextMenus.push(menu);
  popUpContextMenu = (menu: { template: unknown[] }) => void this.popUps.push(menu);
  destroy = () => void (this.destroyed = true);
  /** Clicks the top-level menu item with this label in the menu last popped up. */
  choose(label: string): void {
    const item = this.popUps.at(-1)?.template.find((entry) => (entry as { label?: string }).label === label);
    if (!item) throw new Error(`no menu item ${label}`);
    (item as { click: () => void }).click();
  }
}

class FakeWebContents extends Emitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  url = '';
  loading = true;
  sent: [string, unknown][] = [];
  isDestroyed = () => false;
  isLoading = () => this.loading;
  send = (channel: string, payload: unknown) => void this.sent.push([channel, payload]);
  setWindowOpenHandler = () => undefined;
  getURL = () => this.url;
}

export class FakeBrowserWindow extends Emitter {
  readonly webContents = new FakeWebContents();
  visible = false;
  focused = false;
  destroyed = false;
  constructor(readonly options: unknown) {
    super();
  }
  /** Loads like Chromium: the page's URL is the file's URL (as Chromium spells it). */
  loadFile = async (file: string) => {
    this.webContents.url = this.urlFor(file);
    this.webContents.loading = false;
    this.webContents.fire('did-finish-load');
  };
  /** How Chromium spells a loaded file's URL; a test may replace it (a Windows drive letter). */
  urlFor: (file: string) => string = (file) => pathToFileURL(file).href;
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  focus = () => void (this.focused = true);
  isMinimized = () => false;
  restore = () => undefined;
  isDestroyed = () => this.destroyed;
  destroy = () => void (this.destroyed = true);
}

export class FakeNotification extends Emitter {
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show = () => void (this.shown = true);
}
