// Loads the real bundles in plain Node with `require('electron')` answered by a stub: the main
// bundle must start, register every contract channel and quit cleanly; the preload must expose
// exactly the contract's methods and need nothing but `electron` (a sandboxed preload cannot
// require anything else).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiMethods,
  EVENT_SHOW_VIEW,
  EVENT_SIGN_IN,
  EVENT_SNAPSHOT,
} from '../../../electron/shared/api-surface.js';
import { channels } from '../../../electron/shared/ipc-contract.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const mainBundle = path.join(root, 'dist', 'main', 'main.cjs');
const preloadBundle = path.join(root, 'dist', 'preload', 'preload.cjs');
const requireHere = createRequire(import.meta.url);

type Listener = (...args: unknown[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener) {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

/** A stand-in for the Electron main-process API: records what the app does with it. */
function electronMainStub() {
  let ready: () => void = () => undefined;
  const whenReady = new Promise<void>((resolve) => (ready = resolve));
  const record = {
    handled: new Map<string, Listener>(),
    windows: [] as StubWindow[],
    trays: [] as StubTray[],
    menus: [] as unknown[][],
    quitCalls: 0,
    exitCodes: [] as number[],
    permissionHandler: undefined as Listener | undefined,
    headersListener: undefined as Listener | undefined,
    clipboard: '',
  };
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    enableSandbox: () => undefined,
    setAppUserModelId: () => undefined,
    whenReady: () => whenReady,
    quit: () => void (record.quitCalls += 1),
    exit: (code: number) => void record.exitCodes.push(code),
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
    setLoginItemSettings: () => undefined,
  });
  class StubWebContents extends Emitter {
    readonly id = 1;
    readonly sent: [string, unknown][] = [];
    openHandler: Listener | undefined;
    isDestroyed = () => false;
    isLoading = () => false;
    send = (channel: string, payload: unknown) => void this.sent.push([channel, payload]);
    setWindowOpenHandler = (handler: Listener) => void (this.openHandler = handler);
  }
  class StubWindow extends Emitter {
    readonly webContents = new StubWebContents();
    readonly loaded: string[] = [];
    visible = false;
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      super();
      record.windows.push(this);
    }
    loadFile = async (file: string) => void this.loaded.push(file);
    show = () => void (this.visible = true);
    hide = () => void (this.visible = false);
    focus = () => undefined;
    isMinimized = () => false;
    restore = () => undefined;
    isDestroyed = () => false;
    destroy = () => undefined;
  }
  class StubTray extends Emitter {
    tooltip = '';
    menu: unknown;
    constructor(readonly image: unknown) {
      super();
      record.trays.push(this);
    }
    setImage = () => undefined;
    setTitle = () => undefined;
    setToolTip = (text: string) => void (this.tooltip = text);
    setContextMenu = (menu: unknown) => void (this.menu = menu);
    destroy = () => undefined;
  }
  const image = { isEmpty: () => false, setTemplateImage: () => undefined };
  class StubNotification extends Emitter {
    static isSupported = () => false;
    show = () => undefined;
  }
  const stub = {
    app,
    BrowserWindow: StubWindow,
    Tray: StubTray,
    Menu: {
      buildFromTemplate: (template: unknown[]) => {
        record.menus.push(template);
        return new Emitter();
      },
    },
    ipcMain: {
      handle: (channel: string, listener: Listener) => {
        if (record.handled.has(channel))
          throw new Error(`Attempted to register a second handler for '${channel}'`);
        record.handled.set(channel, listener);
      },
      removeHandler: (channel: string) => void record.handled.delete(channel),
    },
    nativeImage: { createFromBitmap: () => image, createFromPath: () => image },
    clipboard: {
      readText: async () => record.clipboard,
      writeText: async (text: string) => void (record.clipboard = text),
      write: async (items: { entries: Record<string, unknown> }[]) =>
        void (record.clipboard = String(items[0]?.entries['text/plain'] ?? '')),
      clear: () => void (record.clipboard = ''),
    },
    ClipboardItem: class {
      constructor(readonly entries: Record<string, unknown>) {}
    },
    Notification: StubNotification,
    shell: { openExternal: async () => undefined },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener) => void (record.permissionHandler = handler),
        setPermissionCheckHandler: () => undefined,
        webRequest: { onHeadersReceived: (listener: Listener) => void (record.headersListener = listener) },
      },
    },
    screen: { getPrimaryDisplay: () => ({ scaleFactor: 1 }) },
    powerMonitor: new Emitter(),
  };
  return { stub, record, ready: () => ready() };
}

type ModuleLoader = { _load: (request: string, parent: unknown, isMain: boolean) => unknown };

/** Loads a CommonJS bundle with `require('electron')` answered by `stub`; returns what else it required. */
function loadWithStub(file: string, stub: unknown): { required: string[] } {
  const loader = Module as unknown as ModuleLoader;
  const original = loader._load;
  const required: string[] = [];
  loader._load = function (request, parent, isMain) {
    if ((parent as { filename?: string } | null)?.filename === file) required.push(request);
    if (request === 'electron') return stub;
    return original.call(this, request, parent, isMain);
  };
  try {
    delete requireHere.cache[file];
    requireHere(file);
  } finally {
    loader._load = original;
  }
  return { required };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', 'main', 'preload'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}\n${built.stderr}`);
}, 120_000);

describe('preload bundle', () => {
  it('is one file whose only require is electron', async () => {
    const source = await readFile(preloadBundle, 'utf8');
    const requires = [...source.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(requires).toEqual(['electron']);
    expect(source).not.toMatch(/\bimport\(/);
  });

  it('exposes exactly the contract methods plus the two subscriptions, each invoking its channel', async () => {
    const exposed: [string, Record<string, (...args: unknown[]) => unknown>][] = [];
    const invoked: [string, unknown][] = [];
    const subscribed: string[] = [];
    const stub = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: Record<string, (...args: unknown[]) => unknown>) =>
          void exposed.push([key, api]),
      },
      ipcRenderer: {
        invoke: async (channel: string, args: unknown) => {
          invoked.push([channel, args]);
          return { ok: true, value: null };
        },
        on: (channel: string) => void subscribed.push(`on ${channel}`),
        off: (channel: string) => void subscribed.push(`off ${channel}`),
      },
    };
    const { required } = loadWithStub(preloadBundle, stub);
    expect(required).toEqual(['electron']);
    expect(exposed.map(([key]) => key)).toEqual(['pgentra']);
    const api = exposed[0]?.[1] ?? {};
    expect(Object.keys(api).sort()).toEqual(
      [...Object.keys(apiMethods), 'onShowView', 'onSignInFinished', 'onSnapshot'].sort(),
    );
    expect(Object.isFrozen(api)).toBe(true);

    await api.copyToken?.('prod');
    await api.updateCluster?.('prod', { name: 'prod', host: 'h' });
    expect(invoked).toEqual([
      ['clusters:copyToken', ['prod']],
      ['clusters:update', ['prod', { name: 'prod', host: 'h' }]],
    ]);
    const off = api.onSnapshot?.(() => undefined) as () => void;
    off();
    (api.onSignInFinished?.(() => undefined) as () => void)();
    (api.onShowView?.(() => undefined) as () => void)();
    expect(subscribed).toEqual([
      `on ${EVENT_SNAPSHOT}`,
      `off ${EVENT_SNAPSHOT}`,
      `on ${EVENT_SIGN_IN}`,
      `off ${EVENT_SIGN_IN}`,
      `on ${EVENT_SHOW_VIEW}`,
      `off ${EVENT_SHOW_VIEW}`,
    ]);
  });
});

describe('main bundle', () => {
  let home: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'pgentra-bundle-'));
    // No config.json yet (a first start: defaults, no clusters), and the agent socket in our own
    // runtime dir so it collides with no other pgentra.
    process.env.PGENTRA_HOME = home;
    process.env.XDG_RUNTIME_DIR = home;
    process.env.npm_node_execpath = process.execPath;
  });

  afterAll(async () => {
    process.env = saved;
    await rm(home, { recursive: true, force: true });
  });

  it('starts, registers every contract channel behind the sender check, and quits cleanly', async () => {
    const { stub, record, ready } = electronMainStub();
    const { required } = loadWithStub(mainBundle, stub);
    // Bundled: at start-up it needs Electron and Node's built-ins, nothing from node_modules.
    expect(required.filter((request) => !Module.isBuiltin(request))).toEqual(['electron']);
    // Nothing happens before Electron is ready except the single-instance lock and sandboxing.
    expect(record.handled.size).toBe(0);
    ready();
    await waitFor(() => record.trays.length > 0 && record.windows[0]?.visible === true, 'the app to start');
    expect(record.exitCodes).toEqual([]);

    expect([...record.handled.keys()].sort()).toEqual(Object.keys(channels).sort());

    const window = record.windows[0] as (typeof record.windows)[number];
    expect(window.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      preload: path.join(root, 'dist', 'preload', 'preload.cjs'),
    });
    const index = path.join(root, 'dist', 'renderer', 'index.html');
    expect(window.loaded).toEqual([index]);
    expect(window.webContents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });

    // A real round trip through the bundled handlers: our page gets a snapshot, a foreign frame nothing.
    const snapshot = record.handled.get('app:snapshot') as Listener;
    const ours = {
      sender: window.webContents,
      senderFrame: { url: pathToFileURL(index).href, parent: null },
    };
    const result = (await snapshot(ours, [])) as { ok: boolean; value: { clusters: unknown[] } };
    expect(result.ok).toBe(true);
    expect(result.value.clusters).toEqual([]);
    const foreign = {
      sender: window.webContents,
      senderFrame: { url: 'https://evil.example/', parent: null },
    };
    expect(await snapshot(foreign, [])).toMatchObject({ ok: false, code: 'forbidden' });

    // The tray shows the empty state; after a resume from sleep the window gets a fresh snapshot.
    expect(record.trays[0]?.tooltip).toBe('pgentra: no clusters yet');
    expect(JSON.stringify(record.menus.at(-1))).toContain('No clusters yet');
    stub.powerMonitor.emit('resume');
    await waitFor(
      () => window.webContents.sent.some(([channel]) => channel === EVENT_SNAPSHOT),
      'a snapshot pushed to the window',
    );

    // Permissions are denied on the session.
    let granted: boolean | undefined;
    record.permissionHandler?.({}, 'media', (answer: boolean) => (granted = answer));
    expect(granted).toBe(false);

    // The tray menu's Quit item asks Electron to quit.
    const menu = record.menus.at(-1) as { id?: string; click?: () => void }[];
    menu.find((item) => item.id === 'quit')?.click?.();
    expect(record.quitCalls).toBe(1);

    // Quit: will-quit is held until the services stopped, then quit goes through.
    let prevented = false;
    stub.app.emit('before-quit');
    stub.app.emit('will-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await waitFor(() => record.quitCalls > 1, 'the quit after stopping services');
    expect(record.handled.size).toBe(0);
  }, 60_000);
});

describe('packaging', () => {
  const requireBuilder = createRequire(requireHere.resolve('app-builder-lib/package.json'));

  async function builderConfig(): Promise<Record<string, unknown>> {
    const yaml = requireBuilder('js-yaml') as { load(text: string): unknown };
    return yaml.load(await readFile(path.join(root, 'build', 'electron-builder.yml'), 'utf8')) as Record<
      string,
      unknown
    >;
  }

  it("build/electron-builder.yml passes electron-builder's own schema and names files that exist", async () => {
    const config = await builderConfig();
    const { validateConfiguration } = requireBuilder('./out/util/config/config') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = createRequire(requireBuilder.resolve('builder-util/package.json'))(
      './out/DebugLogger',
    ) as { DebugLogger: new (enabled: boolean) => unknown };
    await validateConfiguration(config, new DebugLogger(false));

    expect(config).toMatchObject({
      appId: 'dev.pgentra.app',
      productName: 'pgentra',
      asarUnpack: ['**/*.node'],
    });
    const files = config.files as string[];
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/**']));
    expect(existsSync(path.join(root, config.afterPack as string))).toBe(true);
    for (const platform of ['mac', 'win', 'linux'])
      expect(existsSync(path.join(root, (config[platform] as { icon: string }).icon)), platform).toBe(true);
    const resources = config.extraResources as { from: string; to: string; filter?: string[] }[];
    // What pgentraCommandFor points pgAdmin at: the standalone binary's folder as resources/cli.
    expect(resources).toEqual([
      { from: 'dist/bin', to: 'cli' },
      { from: 'dist/bin/node_modules', to: 'cli/node_modules' },
    ]);
  });

  it('every package the main bundle loads at run time is a dependency (what electron-builder packs)', async () => {
    const source = await readFile(mainBundle, 'utf8');
    const loaded = [...source.matchAll(/\b(?:require|import)\(\s*["'`]([^"'`]+)["'`]\s*\)/g)]
      .map((match) => match[1] ?? '')
      .filter((name) => !name.startsWith('.') && !name.startsWith('node:') && name !== 'electron')
      .filter((name) => !Module.builtinModules.includes(name));
    const { dependencies, devDependencies } = JSON.parse(
      await readFile(path.join(root, 'package.json'), 'utf8'),
    ) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(loaded).toContain('@azure/msal-node-extensions');
    expect([...new Set(loaded)].filter((name) => !(name in dependencies))).toEqual([]);
    // React, MSAL and zod are bundled (renderer by Vite, the rest by esbuild): development-only.
    for (const inlined of ['react', 'react-dom', 'zod', '@azure/msal-node', 'electron'])
      expect(devDependencies, inlined).toHaveProperty(inlined);
  });

  it('the afterPack hook flips the fuses and reads them back', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgentra-fuses-'));
    try {
      // A stand-in binary: the fuse sentinel, wire version 1, nine fuses (Electron 45, like 41, has one
      // more than @electron/fuses 1.8 knows), all at their Electron defaults.
      const defaults = '10111001' + '1';
      const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
      const fake = (name: string) =>
        writeFile(
          path.join(dir, name),
          Buffer.concat([
            Buffer.from('ELF…'),
            Buffer.from(sentinel),
            Buffer.from([1, 9]),
            Buffer.from(defaults),
          ]),
        );
      const wire = async (name: string) => {
        const bytes = await readFile(path.join(dir, name));
        const at = bytes.indexOf(sentinel) + sentinel.length + 2;
        return bytes.subarray(at, at + 9).toString('ascii');
      };
      const hook = requireHere(path.join(root, 'build', 'fuses.cjs')) as (context: unknown) => Promise<void>;
      const context = (platform: string, file: string) => ({
        electronPlatformName: platform,
        appOutDir: dir,
        packager: { executableName: file, appInfo: { productFilename: file.replace(/\.exe$/, '') } },
      });
      const log = console.log;
      console.log = () => undefined;
      try {
        await fake('pgentra');
        await hook(context('linux', 'pgentra'));
        await fake('pgentra.exe');
        await hook(context('win32', 'pgentra.exe'));
      } finally {
        console.log = log;
      }
      // RunAsNode off, cookies encrypted, NODE_OPTIONS and --inspect off, ASAR integrity (Windows
      // and macOS only), app only from ASAR, no V8 snapshot, file:// privileges kept, the ninth untouched.
      expect(await wire('pgentra')).toBe('010001011');
      expect(await wire('pgentra.exe')).toBe('010011011');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI bundle', () => {
  // pgAdmin runs `pgentra token` for every connection: its bundle must stay free of MSAL, zod and
  // the ESM chunk graph, or every connection pays for loading them (docs/benchmarks.md).
  it('`pgentra token` is one CommonJS file needing only Node built-ins until it falls back', async () => {
    const source = await readFile(path.join(root, 'dist', 'cli', 'token.cjs'), 'utf8');
    const required = [...source.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !name?.startsWith('node:'))).toEqual([]);
    const imported = [...source.matchAll(/import\("([^"]+)"\)/g)].map((match) => match[1]);
    // node:crypto is imported only to check a Windows agent's proof (a pipe cannot vouch for itself).
    expect(imported.filter((name) => name !== 'node:crypto')).toEqual(['./direct-token.mjs']);
    expect(existsSync(path.join(root, 'dist', 'cli', 'direct-token.mjs'))).toBe(true);
  });
});
