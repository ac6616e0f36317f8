// The packaged-shape app under a real Electron: Playwright's _electron starts dist/main/main.cjs
// with a throw-away config dir and checks what only a real Chromium can show: the window renders
// the cluster list, the preload bridge is there and Node is not, navigation and inline scripts
// are blocked. Without an Electron binary (none is downloaded by `npm install` since Electron 42;
// `npx install-electron` fetches it, impossible offline and in CI here) every test is skipped with
// the reason printed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { findElectronBinary } from '../support/electron-binary.js';

const root = path.resolve(import.meta.dirname, '..', '..');

const found = findElectronBinary();
if (!found.ok) console.log(`app.electron.spec.ts skipped: ${found.reason}`);

test.describe('pgentra under Electron', () => {
  test.skip(!found.ok, found.ok ? '' : found.reason);

  let home: string;
  let app: ElectronApplication;
  let page: Page;

  test.beforeAll(async () => {
    if (!found.ok) return;
    const missing = ['dist/main/main.cjs', 'dist/preload/preload.cjs', 'dist/renderer/index.html'].filter(
      (file) => !existsSync(path.join(root, file)),
    );
    if (missing.length > 0) {
      const built = spawnSync(process.execPath, ['scripts/build.mjs', 'main', 'preload', 'renderer'], {
        cwd: root,
        stdio: 'inherit',
      });
      if (built.status !== 0) throw new Error('build failed');
    }
    home = await mkdtemp(path.join(os.tmpdir(), 'pgentra-electron-e2e-'));
    app = await electron.launch({
      executablePath: found.path,
      // Chromium refuses its own sandbox as root (containers, CI); the renderer sandbox stays on.
      args: [
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        path.join(root, 'dist', 'main', 'main.cjs'),
      ],
      env: {
        ...process.env,
        PGENTRA_HOME: home,
        XDG_RUNTIME_DIR: home,
        XDG_CONFIG_HOME: path.join(home, 'xdg'),
        ELECTRON_ENABLE_SECURITY_WARNINGS: 'true',
      },
    });
    // Every link the app hands to the OS (a blocked navigation, a pop-up, a sign-in page) would
    // otherwise open the test machine's real browser: record it instead. The browser adapter looks
    // up shell.openExternal at each call (electron/main/adapters/browser.ts), so this reaches it.
    await app.evaluate(({ shell }) => {
      const opened: string[] = [];
      (globalThis as { pgentraOpened?: string[] }).pgentraOpened = opened;
      shell.openExternal = async (url: string) => {
        opened.push(url);
      };
    });
    page = await app.firstWindow();
  });

  const openedExternally = () =>
    app.evaluate(() => [...((globalThis as { pgentraOpened?: string[] }).pgentraOpened ?? [])]);

  test.afterAll(async () => {
    await app?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  test('the window shows the (empty) cluster list', async () => {
    await expect(page.getByRole('tab', { name: /Clusters \(0\)/ })).toBeVisible();
    await expect(page.getByText('No clusters yet.')).toBeVisible();
  });

  test('window.pgentra is the contract API, and Node is out of reach', async () => {
    const shape = await page.evaluate(() => ({
      api: typeof window.pgentra,
      methods: Object.keys(window.pgentra ?? {}).sort(),
      require: typeof (window as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      module: typeof (globalThis as { module?: unknown }).module,
    }));
    expect(shape).toMatchObject({
      api: 'object',
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
    });
    expect(shape.methods).toContain('copyToken');
    expect(shape.methods).toContain('onSnapshot');
    const snapshot = await page.evaluate(() => window.pgentra?.snapshot());
    expect(snapshot).toMatchObject({ ok: true, value: { clusters: [] } });
  });

  test('navigating to another origin is blocked, and so are pop-ups', async () => {
    const before = page.url();
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(app.windows()).toHaveLength(1);
    // Both went to the (stubbed) system browser instead, never to a real one.
    expect(await openedExternally()).toEqual(['https://example.com/', 'https://example.com/']);
  });

  test('the CSP blocks inline script', async () => {
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inline = true';
      document.body.append(script);
      return (window as { __inline?: boolean }).__inline === true;
    });
    expect(ran).toBe(false);
  });
});
