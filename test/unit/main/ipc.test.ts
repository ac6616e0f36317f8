import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, Clipboard as ElectronClipboard } from 'electron';
import fc from 'fast-check';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  createElectronClipboard,
  osClipboardMime,
  secretClipboardEntries,
  secretClipboardFormats,
  type ClipboardEntries,
  type ElectronClipboardLike,
} from '../../../electron/main/adapters/clipboard.js';
import { createElectronBrowser } from '../../../electron/main/adapters/browser.js';
import {
  autostartDesktopEntry,
  autostartFile,
  createStartAtLogin,
} from '../../../electron/main/adapters/login-item.js';
import {
  createElectronNotifier,
  MAX_LIVE_NOTIFICATIONS,
  NOTIFICATION_LIFETIME_MS,
  OPEN_WINDOW,
  type NotificationLike,
} from '../../../electron/main/adapters/notifier.js';
import { createHandlers } from '../../../electron/main/ipc/handlers.js';
import {
  registerIpcHandlers,
  type Handlers,
  type IpcInvokeEventLike,
  type IpcMainLike,
} from '../../../electron/main/ipc/register.js';
import { appPaths, pgentraCommandFor } from '../../../electron/main/paths.js';
import { startServices, type ServiceDeps } from '../../../electron/main/services.js';
import {
  hardenSession,
  MainWindow,
  type BrowserWindowLike,
  type FrameLike,
  type SessionLike,
  type WebContentsLike,
} from '../../../electron/main/windows/main-window.js';
import {
  CONTENT_SECURITY_POLICY,
  isAllowedRendererUrl,
  isSafeExternalUrl,
} from '../../../electron/main/windows/url-policy.js';
import { nodeFileSystem } from '../../../electron/core/node-ports.js';
import type { Pgentra } from '../../../electron/core/pgentra.js';
import { ClipboardGuard } from '../../../electron/core/sinks/clipboard.js';
import { channels, type Channel, type Result } from '../../../electron/shared/ipc-contract.js';
import { FakeClock } from '../../support/fakes/fake-clock.js';
import { findTlsRootsDir } from '../../../electron/core/tls-roots.js';
import { ScriptedFileDialog } from '../../support/fakes/file-dialog.js';

const ROOT = path.resolve('/opt/pgentra/resources/app.asar');
const PATHS = appPaths(path.join(ROOT, 'dist', 'main'));

class FakeIpcMain implements IpcMainLike {
  listeners = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>) {
    if (this.listeners.has(channel)) throw new Error(`second handler for ${channel}`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.listeners.delete(channel);
  }
  /** What ipcRenderer.invoke(channel, args) from `event`'s frame would get back. */
  invoke(channel: string, event: IpcInvokeEventLike, args: unknown): Promise<Result<unknown>> {
    const listener = this.listeners.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener(event, args) as Promise<Result<unknown>>;
  }
}

type Listener = (...args: unknown[]) => void;

class FakeWebContents implements WebContentsLike {
  readonly listeners = new Map<string, Listener>();
  openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  sent: [string, unknown][] = [];
  destroyed = false;
  constructor(readonly id: number) {}
  loading = false;
  isDestroyed = () => this.destroyed;
  isLoading = () => this.loading;
  send = (channel: string, payload: unknown) => void this.sent.push([channel, payload]);
  once(event: string, listener: never) {
    this.listeners.set(event, listener);
    return this;
  }
  setWindowOpenHandler(handler: never) {
    this.openHandler = handler;
  }
  on(event: string, listener: never) {
    this.listeners.set(event, listener);
    return this;
  }
}

class FakeWindow implements BrowserWindowLike {
  readonly webContents = new FakeWebContents(7);
  readonly listeners = new Map<string, Listener>();
  loaded: string[] = [];
  visible = false;
  destroyed = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {}
  loadFile = async (file: string) => void this.loaded.push(file);
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  focus = () => undefined;
  isMinimized = () => false;
  restore = () => undefined;
  isDestroyed = () => this.destroyed;
  destroy = () => void (this.destroyed = true);
  on(event: string, listener: never) {
    this.listeners.set(event, listener);
    return this;
  }
}

function setUpWindow(overrides: { rendererUrl?: string; platform?: NodeJS.Platform } = {}) {
  const windows: FakeWindow[] = [];
  const opened: string[] = [];
  const logs: string[] = [];
  const main = new MainWindow({
    BrowserWindow: class extends FakeWindow {
      constructor(options: BrowserWindowConstructorOptions) {
        super(options);
        windows.push(this);
      }
    },
    preloadPath: PATHS.preload,
    indexPath: PATHS.rendererIndex,
    rendererUrl: overrides.rendererUrl ?? PATHS.rendererUrl,
    openInBrowser: (url) => void opened.push(url),
    isPackaged: true,
    platform: overrides.platform ?? 'linux',
    log: (message) => void logs.push(message),
  });
  main.show();
  const window = windows[0] as FakeWindow;
  return { main, window, opened, logs };
}

const ourFrame: FrameLike = { url: PATHS.rendererUrl, parent: null };
const fromOurs = (frame: FrameLike | null = ourFrame, senderId = 7): IpcInvokeEventLike => ({
  sender: { id: senderId },
  senderFrame: frame,
});

/** Every channel answered by a spy, so tests see whether (and how) a handler ran. */
function spyHandlers(): Handlers & Record<Channel, ReturnType<typeof vi.fn>> {
  return Object.fromEntries(
    Object.keys(channels).map((channel) => [
      channel,
      vi.fn(async (...args: unknown[]) => ({ channel, args })),
    ]),
  ) as unknown as Handlers & Record<Channel, ReturnType<typeof vi.fn>>;
}

function setUp() {
  const ipc = new FakeIpcMain();
  const handlers = spyHandlers();
  const { main, window, opened, logs } = setUpWindow();
  const unregister = registerIpcHandlers(ipc, handlers, {
    isTrustedSender: (event) => main.isTrustedSender(event),
    log: (message) => void logs.push(message),
  });
  return { ipc, handlers, main, window, opened, logs, unregister };
}

describe('IPC registration', () => {
  it('registers every contract channel, and removes them again', () => {
    const { ipc, unregister } = setUp();
    expect([...ipc.listeners.keys()].sort()).toEqual(Object.keys(channels).sort());
    unregister();
    expect(ipc.listeners.size).toBe(0);
  });

  it('holds calls until the handlers exist, and answers internal when the start failed', async () => {
    const { main } = setUpWindow();
    const options = {
      isTrustedSender: (e: IpcInvokeEventLike) => main.isTrustedSender(e),
      log: () => undefined,
    };
    let handlersUp: (handlers: Handlers) => void = () => undefined;
    const waiting = new FakeIpcMain();
    registerIpcHandlers(waiting, new Promise<Handlers>((resolve) => (handlersUp = resolve)), options);
    const early = waiting.invoke('app:snapshot', fromOurs(), []);
    // A forged caller is refused at once, whether or not the services are up.
    await expect(
      waiting.invoke('app:snapshot', fromOurs({ url: 'https://evil.example/', parent: null }), []),
    ).resolves.toMatchObject({ ok: false, code: 'forbidden' });
    handlersUp(spyHandlers());
    await expect(early).resolves.toMatchObject({ ok: true, value: { channel: 'app:snapshot' } });

    const failed = new FakeIpcMain();
    registerIpcHandlers(failed, Promise.reject(new Error('config dir unreadable')), options);
    await expect(failed.invoke('app:snapshot', fromOurs(), [])).resolves.toEqual({
      ok: false,
      code: 'internal',
      message: 'pgentra did not start: config dir unreadable',
    });
  });

  it('answers a call from our window with the handler result, args parsed', async () => {
    const { ipc, handlers } = setUp();
    const result = await ipc.invoke('clusters:copyToken', fromOurs(), ['prod']);
    expect(result).toEqual({ ok: true, value: { channel: 'clusters:copyToken', args: ['prod'] } });
    expect(handlers['clusters:copyToken']).toHaveBeenCalledWith('prod');
    // The hash the renderer may use for its tabs does not change the page.
    const withHash = { url: `${PATHS.rendererUrl}#settings`, parent: null };
    expect((await ipc.invoke('app:snapshot', fromOurs(withHash), [])).ok).toBe(true);
  });

  it.each([
    ['another origin', fromOurs({ url: 'https://evil.example/index.html', parent: null })],
    ['a look-alike file', fromOurs({ url: `${PATHS.rendererUrl}.evil.html`, parent: null })],
    [
      'another file:// page',
      fromOurs({ url: pathToFileURL('/tmp/dist/renderer/index.html').href, parent: null }),
    ],
    [
      'a file URL with a host',
      fromOurs({ url: PATHS.rendererUrl.replace('file://', 'file://evil'), parent: null }),
    ],
    ['an iframe inside our page', fromOurs({ url: PATHS.rendererUrl, parent: ourFrame })],
    ['another web contents', fromOurs(ourFrame, 8)],
    ['a detached frame', fromOurs(null)],
    ['no sender at all', { sender: null, senderFrame: ourFrame }],
  ])('rejects %s with forbidden without running the handler', async (_what, event) => {
    const { ipc, handlers, logs } = setUp();
    const result = await ipc.invoke('clusters:copyToken', event, ['prod']);
    expect(result).toEqual({ ok: false, code: 'forbidden', message: expect.any(String) });
    expect(handlers['clusters:copyToken']).not.toHaveBeenCalled();
    expect(logs.some((line) => line.startsWith('ipc: rejected clusters:copyToken'))).toBe(true);
  });

  it('rejects calls once the window is gone', async () => {
    const { ipc, handlers, window } = setUp();
    window.destroyed = true;
    expect(await ipc.invoke('app:snapshot', fromOurs(), [])).toMatchObject({ ok: false, code: 'forbidden' });
    expect(handlers['app:snapshot']).not.toHaveBeenCalled();
  });

  it('rejects bad arguments naming the field, without running the handler', async () => {
    const { ipc, handlers } = setUp();
    const badName = await ipc.invoke('clusters:add', fromOurs(), [
      { name: 'has spaces', host: 'db.example.com' },
    ]);
    expect(badName).toMatchObject({ ok: false, code: 'invalid-argument' });
    expect(badName.ok === false && badName.message).toMatch(/^name: /);
    const badPort = await ipc.invoke('clusters:add', fromOurs(), [{ name: 'prod', host: 'db', port: 70000 }]);
    expect(badPort.ok === false && badPort.message).toMatch(/^port: /);
    const wrongType = await ipc.invoke('clusters:copyToken', fromOurs(), [42]);
    expect(wrongType.ok === false && wrongType.message).toMatch(/^argument 0: /);
    const notArray = await ipc.invoke('clusters:copyToken', fromOurs(), 'prod');
    expect(notArray).toMatchObject({ ok: false, code: 'invalid-argument' });
    const badPatch = await ipc.invoke('settings:update', fromOurs(), [{ clipboardClearSec: 1 }]);
    expect(badPatch.ok === false && badPatch.message).toMatch(/^clipboardClearSec: /);
    expect(handlers['clusters:add']).not.toHaveBeenCalled();
    expect(handlers['clusters:copyToken']).not.toHaveBeenCalled();
    expect(handlers['settings:update']).not.toHaveBeenCalled();
  });

  it('any arguments on any channel (fuzzed): a Result every time, and a handler only sees what its schema accepts', async () => {
    const channelNames = Object.keys(channels) as Channel[];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...channelNames),
        fc.oneof(fc.anything(), fc.array(fc.anything(), { maxLength: 3 })),
        async (channel, raw) => {
          const { ipc, handlers } = setUp();
          const result = await ipc.invoke(channel, fromOurs(), raw);
          const accepted = channels[channel].args.safeParse(raw);
          if (accepted.success) {
            expect(result.ok).toBe(true);
            expect(handlers[channel]).toHaveBeenCalledTimes(1);
          } else {
            expect(result).toMatchObject({ ok: false, code: 'invalid-argument' });
            expect(result.ok === false && result.message.length).toBeGreaterThan(0);
            expect(handlers[channel]).not.toHaveBeenCalled();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('turns a failing handler into an error result instead of throwing', async () => {
    const { ipc, handlers } = setUp();
    handlers['clusters:remove'].mockRejectedValueOnce(new Error('disk full'));
    expect(await ipc.invoke('clusters:remove', fromOurs(), ['prod'])).toEqual({
      ok: false,
      code: 'internal',
      message: 'disk full',
      details: [],
    });
  });
});

describe('renderer URL and external links', () => {
  it('accepts only our page', () => {
    expect(isAllowedRendererUrl(`${PATHS.rendererUrl}?x=1#accounts`, PATHS.rendererUrl, 'linux')).toBe(true);
    for (const url of [
      'not a url',
      'https://example.com/',
      `${PATHS.rendererUrl}/..`,
      PATHS.rendererUrl.replace('index.html', 'other.html'),
      PATHS.rendererUrl.replace('file:///', 'file://user:pw@/'),
    ])
      expect(isAllowedRendererUrl(url, PATHS.rendererUrl, 'linux'), url).toBe(false);
  });

  // Chromium url/url_canon_fileurl.cc, FileDoDriveSpec: "Normalize Windows drive letters to
  // uppercase", so the page reports file:///C:/…; Node's pathToFileURL keeps the letter as
  // __dirname spells it (c:\… when started through a lower-case path). The exact comparison
  // refused every call from our own page then.
  it('on Windows ignores the case of the drive letter, and nothing else', () => {
    const ours = 'file:///C:/Program%20Files/pgentra/resources/app.asar/dist/renderer/index.html';
    const lower = ours.replace('/C:/', '/c:/');
    expect(isAllowedRendererUrl(lower, ours, 'win32')).toBe(true);
    expect(isAllowedRendererUrl(ours, lower, 'win32')).toBe(true);
    expect(isAllowedRendererUrl(ours.replace('/C:/', '/D:/'), ours, 'win32')).toBe(false);
    expect(isAllowedRendererUrl(ours.replace('pgentra', 'PGENTRA'), ours, 'win32')).toBe(false);
    expect(isAllowedRendererUrl(lower, ours, 'linux')).toBe(false);

    const { main, window } = setUpWindow({ rendererUrl: ours, platform: 'win32' });
    const event = { sender: { id: window.webContents.id }, senderFrame: { url: lower, parent: null } };
    expect(main.isTrustedSender(event)).toBe(true);
  });

  it('opens only web links in the browser', async () => {
    expect(isSafeExternalUrl('https://learn.microsoft.com/')).toBe(true);
    expect(isSafeExternalUrl('http://localhost:4000/')).toBe(true);
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'ms-settings:',
      'https://u:p@x.example/',
      'x',
    ])
      expect(isSafeExternalUrl(url), url).toBe(false);
    const opened: string[] = [];
    const browser = createElectronBrowser({ openExternal: async (url) => void opened.push(url) });
    await browser.open('https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?x=1');
    await expect(browser.open('file:///etc/passwd')).rejects.toThrow(/http/);
    expect(opened).toHaveLength(1);
  });
});

describe('the window', () => {
  it('is created sandboxed, isolated, without Node, from our preload and page', () => {
    const { window } = setUpWindow();
    expect(window.options.show).toBe(false);
    expect(window.options.webPreferences).toEqual(
      expect.objectContaining({
        preload: path.join(ROOT, 'dist', 'preload', 'preload.cjs'),
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        webviewTag: false,
        spellcheck: false,
        devTools: false,
      }),
    );
    expect(window.loaded).toEqual([path.join(ROOT, 'dist', 'renderer', 'index.html')]);
  });

  it('denies new windows and navigation, handing https links to the browser', () => {
    const { window, opened, logs } = setUpWindow();
    expect(window.webContents.openHandler?.({ url: 'https://docs.example/' })).toEqual({ action: 'deny' });
    expect(window.webContents.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    for (const event of ['will-navigate', 'will-redirect']) {
      const prevented = vi.fn();
      window.webContents.listeners.get(event)?.({ preventDefault: prevented }, 'https://evil.example/');
      expect(prevented, event).toHaveBeenCalled();
    }
    const attach = vi.fn();
    window.webContents.listeners.get('will-attach-webview')?.({ preventDefault: attach });
    expect(attach).toHaveBeenCalled();
    window.webContents.listeners.get('will-navigate')?.({ preventDefault: vi.fn() }, 'file:///etc/passwd');
    expect(opened).toEqual(['https://docs.example/', 'https://evil.example/', 'https://evil.example/']);
    expect(logs).toContain('window: blocked navigation to file:///etc/passwd');
  });

  it('hides instead of closing until the app quits', () => {
    const { main, window } = setUpWindow();
    main.show();
    const first = vi.fn();
    window.listeners.get('close')?.({ preventDefault: first });
    expect(first).toHaveBeenCalled();
    expect(window.visible).toBe(false);
    main.allowClose();
    const second = vi.fn();
    window.listeners.get('close')?.({ preventDefault: second });
    expect(second).not.toHaveBeenCalled();
  });

  it('opens at the view the tray asked for, once a new window has loaded its page', () => {
    const { main, window } = setUpWindow();
    window.webContents.loading = true;
    main.show('settings');
    expect(window.visible).toBe(true);
    expect(window.webContents.sent).toEqual([]);
    window.webContents.loading = false;
    window.webContents.listeners.get('did-finish-load')?.();
    main.show('accounts');
    expect(window.webContents.sent).toEqual([
      ['app:show-view', 'settings'],
      ['app:show-view', 'accounts'],
    ]);
  });

  it('pushes events to a live window only', () => {
    const { main, window } = setUpWindow();
    main.send('app:snapshot-changed', { n: 1 });
    window.webContents.destroyed = true;
    main.send('app:snapshot-changed', { n: 2 });
    expect(window.webContents.sent).toEqual([['app:snapshot-changed', { n: 1 }]]);
  });

  it('denies every permission and adds the CSP header on the session', () => {
    let request:
      ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    let headers:
      | ((
          details: { responseHeaders?: Record<string, string[]> },
          cb: (r: { responseHeaders: Record<string, string[]> }) => void,
        ) => void)
      | undefined;
    const session: SessionLike = {
      setPermissionRequestHandler: (handler) => void (request = handler),
      setPermissionCheckHandler: (handler) => void (check = handler),
      webRequest: { onHeadersReceived: (listener) => void (headers = listener) },
    };
    hardenSession(session);
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation']) {
      const callback = vi.fn();
      request?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(check?.()).toBe(false);
    const respond = vi.fn();
    headers?.({ responseHeaders: { 'X-Other': ['1'] } }, respond);
    expect(respond).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });
});

/** Electron 44+'s clipboard: readText/writeText return promises, clear is synchronous. */
class FakeElectronClipboard implements ElectronClipboardLike {
  text = '';
  readText = async () => this.text;
  writeText = async (text: string) => void (this.text = text);
  clear = () => void (this.text = '');
}

/** The tray app's services on a fresh config directory, with quiet ports unless `overrides` says. */
function startServicesIn(home: string, overrides: Partial<ServiceDeps>) {
  return startServices({
    configDir: home,
    env: { PGENTRA_HOME: home },
    fs: nodeFileSystem,
    clock: new FakeClock(),
    clipboard: { readText: async () => '', writeText: async () => undefined, clear: async () => undefined },
    notifier: { notify: () => undefined },
    browser: { open: async () => undefined },
    dialog: new ScriptedFileDialog(),
    pgentraCommand: ['/usr/bin/node', '/opt/pgentra/bin/pgentra.cjs'],
    tlsRootsDir: findTlsRootsDir(import.meta.dirname),
    serveAgent: false,
    log: () => undefined,
    onSnapshot: () => undefined,
    onSignInFinished: () => undefined,
    ...overrides,
  });
}

describe('clipboard wiring', () => {
  const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln';

  function copyTokenSetUp() {
    const clock = new FakeClock();
    const electronClipboard = new FakeElectronClipboard();
    const guard = new ClipboardGuard(
      createElectronClipboard(electronClipboard, { platform: 'linux' }),
      clock,
    );
    // Only what the copy-token handler touches; the rest of the core is not involved.
    const core = {
      settings: { clipboardClearSec: 30 },
      cluster: (name: string) => ({ name }),
      token: async () => ({ token: TOKEN, expiresAt: clock.now() + 3_600_000 }),
    } as unknown as Pgentra;
    const handlers = createHandlers({
      core,
      clipboard: guard,
      now: () => clock.now(),
      openPsql: async () => undefined,
      openPgadmin: async () => '',
      installCli: async () => '',
      dialog: new ScriptedFileDialog(),
      broadcastSnapshot: () => undefined,
      signInFinished: () => undefined,
      warnings: () => [],
    });
    const ipc = new FakeIpcMain();
    const { main } = setUpWindow();
    registerIpcHandlers(ipc, handlers, {
      isTrustedSender: (e) => main.isTrustedSender(e),
      log: () => undefined,
    });
    return { clock, electronClipboard, guard, ipc };
  }

  it('copies the token through IPC without returning it, and clears it after 30 s if unchanged', async () => {
    const { clock, electronClipboard, ipc } = copyTokenSetUp();
    const result = await ipc.invoke('clusters:copyToken', fromOurs(), ['prod']);
    expect(result).toEqual({ ok: true, value: { clearsInSec: 30 } });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(electronClipboard.text).toBe(TOKEN);
    await clock.advance(29_999);
    expect(electronClipboard.text).toBe(TOKEN);
    await clock.advance(1);
    expect(electronClipboard.text).toBe('');
  });

  it('leaves what the user copied since then', async () => {
    const { clock, electronClipboard, ipc } = copyTokenSetUp();
    await ipc.invoke('clusters:copyToken', fromOurs(), ['prod']);
    electronClipboard.text = 'SELECT 1;';
    await clock.advance(60_000);
    expect(electronClipboard.text).toBe('SELECT 1;');
  });

  it('a forged frame cannot copy the token', async () => {
    const { electronClipboard, ipc } = copyTokenSetUp();
    const result = await ipc.invoke(
      'clusters:copyToken',
      fromOurs({ url: 'https://evil.example/', parent: null }),
      ['prod'],
    );
    expect(result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(electronClipboard.text).toBe('');
  });

  // Electron docs/breaking-changes.md (44.0): the clipboard module's readText/writeText/write
  // return Promises. A guard comparing `clipboard.readText()` with the token compared a Promise,
  // never matched, and never cleared. Here every call answers on a later turn of the event loop,
  // as Electron's does, with the marker write of electron/main/adapters/clipboard.ts.
  it('clears through an Electron 44+ clipboard whose every answer comes later', async () => {
    expectTypeOf<ElectronClipboard['readText']>().returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf<ElectronClipboard['write']>().returns.toEqualTypeOf<Promise<void>>();
    const later = () => new Promise<void>((resolve) => setImmediate(resolve));
    let board = '';
    const slow: ElectronClipboardLike = {
      readText: async () => (await later(), board),
      writeText: async (text) => void (await later(), (board = text)),
      clear: () => void (board = ''),
    };
    const clock = new FakeClock();
    const guard = new ClipboardGuard(
      createElectronClipboard(slow, {
        platform: 'win32',
        writeItem: async (entries) => {
          await later();
          board = String(entries['text/plain']);
        },
      }),
      clock,
    );
    await guard.copySecret(TOKEN, 30);
    expect(board).toBe(TOKEN);
    await clock.advance(30_000);
    await vi.waitFor(() => expect(board).toBe(''));

    await guard.copySecret(TOKEN, 30);
    board = 'SELECT 1;';
    await clock.advance(30_000);
    await later();
    await later();
    expect(board).toBe('SELECT 1;');
  });

  it('writes the text and the marker formats as one entry, plain text when that write fails', async () => {
    const plain = new FakeElectronClipboard();
    await createElectronClipboard(plain, { platform: 'darwin' }).writeText(TOKEN, { secret: true });
    expect(plain.text).toBe(TOKEN);

    const items: ClipboardEntries[] = [];
    const atomic = new FakeElectronClipboard();
    await createElectronClipboard(atomic, {
      platform: 'darwin',
      writeItem: async (entries) => void items.push(entries),
    }).writeText(TOKEN, { secret: true });
    expect(atomic.text).toBe('');
    expect(items).toHaveLength(1);
    expect(Object.keys(items[0] ?? {})).toEqual([
      'text/plain',
      'electron application/osclipboard;format="org.nspasteboard.ConcealedType"',
      'electron application/osclipboard;format="org.nspasteboard.TransientType"',
    ]);
    expect(items[0]?.['text/plain']).toBe(TOKEN);

    const windows = secretClipboardEntries(TOKEN, 'win32');
    const history = windows[osClipboardMime('CanIncludeInClipboardHistory')];
    expect(history).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await (history as Blob).arrayBuffer())]).toEqual([0, 0, 0, 0]);
    const kde = secretClipboardEntries(TOKEN, 'linux')[osClipboardMime('x-kde-passwordManagerHint')];
    expect(await (kde as Blob).text()).toBe('secret');

    // A plain copy never carries markers.
    await createElectronClipboard(atomic, {
      platform: 'darwin',
      writeItem: async (entries) => void items.push(entries),
    }).writeText('host=x');
    expect(atomic.text).toBe('host=x');
    expect(items).toHaveLength(1);

    const logged: string[] = [];
    const refused = new FakeElectronClipboard();
    await createElectronClipboard(refused, {
      platform: 'win32',
      writeItem: async () => {
        throw new Error('unknown format');
      },
      log: (message) => logged.push(message),
    }).writeText(TOKEN, { secret: true });
    expect(refused.text).toBe(TOKEN);
    expect(logged.join('\n')).toMatch(/plain text: unknown format/);
    expect(logged.join('\n')).not.toContain(TOKEN);

    expect(Object.keys(secretClipboardFormats('win32'))).toEqual([
      'ExcludeClipboardContentFromMonitorProcessing',
      'CanIncludeInClipboardHistory',
      'CanUploadToCloudClipboard',
    ]);
  });

  describe('on quit', () => {
    let home: string | undefined;
    afterEach(async () => {
      if (home) await rm(home, { recursive: true, force: true });
    });

    it('services.stop() clears the Electron clipboard if it still holds the token', async () => {
      home = await mkdtemp(path.join(os.tmpdir(), 'pgentra-main-ipc-'));
      const clock = new FakeClock();
      const electronClipboard = new FakeElectronClipboard();
      const services = await startServicesIn(home, {
        clock,
        clipboard: createElectronClipboard(electronClipboard, { platform: 'linux' }),
      });
      await services.clipboard.copySecret(TOKEN, 30);
      expect(electronClipboard.text).toBe(TOKEN);
      await services.stop();
      expect(electronClipboard.text).toBe('');
      expect(clock.pendingTimers).toBe(0);
    });
  });
});

describe('typed actions for the tray', () => {
  it('run the handlers by name: results resolve, failures reject with the core error', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'pgentra-main-actions-'));
    const startAtLogin: boolean[] = [];
    const services = await startServicesIn(home, {
      setStartAtLogin: (enabled) => void startAtLogin.push(enabled),
    });
    try {
      await expect(services.actions.setStartAtLogin(true)).resolves.toMatchObject({ startAtLogin: true });
      expect(startAtLogin).toEqual([true]);
      await expect(services.actions.copyConnectionString('no-such-cluster')).rejects.toThrow(
        /no-such-cluster/,
      );
    } finally {
      await services.stop();
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('notifications', () => {
  type Shown = { options: unknown; listeners: Map<string, (...args: unknown[]) => void>; shown: boolean };

  function notifierSetUp() {
    const shown: Shown[] = [];
    const actions: string[] = [];
    const logs: string[] = [];
    const clock = new FakeClock();
    const notifier = createElectronNotifier({
      isSupported: () => true,
      create: (options) => {
        const entry: Shown = { options, listeners: new Map(), shown: false };
        shown.push(entry);
        const notification: NotificationLike = {
          show: () => void (entry.shown = true),
          // Every overload reduces to "call me back".
          on: ((event: string, listener: (...args: unknown[]) => void) =>
            entry.listeners.set(event, listener)) as NotificationLike['on'],
        };
        return notification;
      },
      onAction: (id) => void actions.push(id),
      clock,
      log: (line) => void logs.push(line),
    });
    return { shown, actions, logs, clock, notifier };
  }

  it('runs the notice action on click or button; a notice without one opens the window', () => {
    const { shown, actions, notifier } = notifierSetUp();
    notifier.notify({
      title: 'pgentra: sign-in needed',
      body: 'b',
      action: { label: 'Sign in', id: 'sign-in' },
    });
    expect(shown[0]?.options).toMatchObject({
      title: 'pgentra: sign-in needed',
      actions: [{ type: 'button', text: 'Sign in' }],
    });
    shown[0]?.listeners.get('click')?.();
    shown[0]?.listeners.get('action')?.();
    notifier.notify({ title: 'pgentra', body: 'Token for prod copied.' });
    shown[1]?.listeners.get('click')?.();
    expect(actions).toEqual(['sign-in', 'sign-in', OPEN_WINDOW]);
  });

  // Electron docs/api/notification.md: `close` "is not guaranteed to be emitted in all cases where
  // the notification is closed", so holding each notice until then kept them all forever.
  it('lets a notice go once acted on, closed, failed, an hour old, or pushed out by newer ones', async () => {
    const { shown, notifier, clock } = notifierSetUp();
    for (let i = 0; i < 4; i += 1) notifier.notify({ title: `n${i}`, body: 'b' });
    expect(notifier.liveCount).toBe(4);
    shown[0]?.listeners.get('click')?.();
    shown[1]?.listeners.get('close')?.();
    shown[2]?.listeners.get('failed')?.({}, 'denied');
    expect(notifier.liveCount).toBe(1);
    await clock.advance(NOTIFICATION_LIFETIME_MS);
    expect(notifier.liveCount).toBe(0);
    expect(clock.pendingTimers).toBe(0);

    for (let i = 0; i < MAX_LIVE_NOTIFICATIONS + 5; i += 1) notifier.notify({ title: `m${i}`, body: 'b' });
    expect(notifier.liveCount).toBe(MAX_LIVE_NOTIFICATIONS);
    expect(clock.pendingTimers).toBe(MAX_LIVE_NOTIFICATIONS);
    expect(shown.every((entry) => entry.shown)).toBe(true);
  });

  // Electron docs/api/notification.md, event 'failed' (darwin, win32): "an error is encountered
  // while creating and showing the native notification"; an unsigned macOS build gets it for
  // every notice, which went unnoticed.
  it('logs a failed notification with what it would have said', () => {
    const { shown, logs, notifier } = notifierSetUp();
    notifier.notify({ title: 'pgentra: sign-in needed', body: 'Your sign-in expired.' });
    shown[0]?.listeners.get('failed')?.({}, 'Notifications are not allowed for this application');
    expect(logs).toEqual([
      'notification failed (Notifications are not allowed for this application): pgentra: sign-in needed: Your sign-in expired.',
    ]);
  });

  it('logs instead where notifications are unsupported', () => {
    const logs: string[] = [];
    const notifier = createElectronNotifier({
      isSupported: () => false,
      create: () => {
        throw new Error('unreachable');
      },
      onAction: () => undefined,
      clock: new FakeClock(),
      log: (line) => void logs.push(line),
    });
    notifier.notify({ title: 't', body: 'b' });
    expect(logs).toEqual(['notice: t: b']);
  });
});

describe('start at login and the pgAdmin command', () => {
  it('uses login items on macOS and Windows, an XDG autostart entry on Linux, nothing in development', async () => {
    const calls: string[] = [];
    const deps = (platform: NodeJS.Platform, isPackaged = true) => ({
      platform,
      isPackaged,
      env: { APPIMAGE: '/home/ada/Apps/pgentra.AppImage' },
      homedir: '/home/ada',
      execPath: '/opt/pgentra/pgentra',
      setLoginItemSettings: (settings: unknown) => void calls.push(`login ${JSON.stringify(settings)}`),
      writeFile: async (file: string, text: string) =>
        void calls.push(`write ${file} ${text.split('\n')[4]}`),
      removeFile: async (file: string) => void calls.push(`remove ${file}`),
      log: (line: string) => void calls.push(`log ${line}`),
    });
    createStartAtLogin(deps('darwin'))(true);
    createStartAtLogin(deps('linux'))(true);
    createStartAtLogin(deps('linux'))(false);
    createStartAtLogin(deps('win32', false))(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([
      'login {"openAtLogin":true,"args":["--hidden"]}',
      'write /home/ada/.config/autostart/pgentra.desktop Exec="/home/ada/Apps/pgentra.AppImage" --hidden',
      'remove /home/ada/.config/autostart/pgentra.desktop',
      'log start at login: on (not applied to a development run)',
    ]);
    expect(autostartDesktopEntry('/a "b"/$x')).toContain('Exec="/a \\"b\\"/\\$x" --hidden');
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/ada')).toBe('/cfg/autostart/pgentra.desktop');
  });

  it('runs the shipped standalone binary when packaged and node + bin/pgentra.cjs in development', () => {
    const base = {
      resourcesPath: '/opt/pgentra/resources',
      root: '/src/pgentra',
      nodePath: '/usr/bin/node',
      execPath: '/x/electron',
    };
    expect(pgentraCommandFor({ ...base, isPackaged: true, platform: 'linux' })).toEqual([
      '/opt/pgentra/resources/cli/pgentra',
    ]);
    expect(
      pgentraCommandFor({
        ...base,
        resourcesPath: 'C:\\Program Files\\pgentra\\resources',
        isPackaged: true,
        platform: 'win32',
      }),
    ).toEqual(['C:\\Program Files\\pgentra\\resources\\cli\\pgentra.exe']);
    expect(pgentraCommandFor({ ...base, isPackaged: false, platform: 'linux' })).toEqual([
      '/usr/bin/node',
      '/src/pgentra/bin/pgentra.cjs',
    ]);
  });
});
