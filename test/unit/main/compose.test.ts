// startApp, the tray app's composition root, under fake Electron modules (test/support/fakes/
// electron-main.ts) with the real services in a throw-away config dir: the order things start in,
// and what each platform's events do.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { savedCluster } from '../../support/fakes/saved-cluster.js';
import { agentEndpoint } from '../../../electron/core/agent/paths.js';
import { startApp, type RunningApp } from '../../../electron/main/compose.js';
import { FakeElectron } from '../../support/fakes/electron-main.js';

const MAIN_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'dist', 'main');

let home: string | undefined;
let running: { electron: FakeElectron; app: RunningApp | null } | undefined;

afterEach(async () => {
  if (running?.app) {
    running.electron.appEvents.fire('before-quit');
    running.electron.appEvents.fire('will-quit');
    await running.app.services.stop();
  }
  running = undefined;
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

async function start(
  platform: NodeJS.Platform,
  prepare?: (electron: FakeElectron) => void,
  config?: Record<string, unknown>,
) {
  home = await mkdtemp(path.join(os.tmpdir(), 'pgentra-compose-'));
  if (config) await writeFile(path.join(home, 'config.json'), JSON.stringify(config), { mode: 0o600 });
  const electron = new FakeElectron();
  prepare?.(electron);
  const app = await startApp(electron.modules(), {
    mainDir: MAIN_DIR,
    env: { PGENTRA_HOME: home, XDG_RUNTIME_DIR: home, HOME: home },
    argv: ['electron', 'main.cjs'],
    platform,
    log: (message) => void electron.log.push(message),
  });
  running = { electron, app };
  return { electron, app };
}

describe('startApp', () => {
  // Electron lib/browser/api/web-contents.ts answers an invoke on a channel nobody handles with
  // "No handler registered for '<channel>'": a window opened from the tray while the services
  // were starting got that for its first snapshot and showed an error.
  it('answers IPC from a window opened by a tray click during the start, once the services are up', async () => {
    let firstCall: Promise<unknown> | undefined;
    const { electron } = await start('linux', (fake) => {
      fake.onTrayCreated = (tray) => {
        tray.fire('click');
        firstCall = fake.invoke('app:snapshot');
      };
    });
    expect(electron.windows).toHaveLength(1);
    await expect(firstCall).resolves.toMatchObject({ ok: true, value: { clusters: [] } });
  });

  // Electron docs/api/app.md: before-quit and will-quit are "not emitted if the app is closed due
  // to a shutdown/restart of the system or a user logout" on Windows; docs/api/browser-window.md:
  // the window's session-end is, and the process ends once it returns.
  it('on Windows clears the copied token and closes the agent when the session ends', async () => {
    const { electron, app } = await start('win32');
    const agent = agentEndpoint(home ?? '', { XDG_RUNTIME_DIR: home }).address;
    expect(existsSync(agent)).toBe(true);
    await app?.services.clipboard.copySecret('eyJ0b2tlbiJ9', 30);
    expect(electron.clipboardText).toBe('eyJ0b2tlbiJ9');
    // No asynchronous read answers any more once the session is ending.
    electron.modules().clipboard.readText = () => new Promise<string>(() => undefined);

    electron.windows[0]?.fire('session-end', { reasons: ['logoff'] });
    expect(electron.clipboardText).toBe('');
    await app?.services.endSession();
    expect(existsSync(agent)).toBe(false);
  });

  // A menu-bar app (LSUIElement) is never frontmost by itself: Electron docs/api/app.md,
  // app.focus({ steal: true }) "makes the receiver the active app even if another app is
  // currently active" (macOS). A notification's click showed the window behind other apps.
  it('on macOS brings the app to the front when a notification click opens the window', async () => {
    const { electron, app } = await start('darwin');
    await app?.services.core.addCluster(savedCluster('prod'));
    app?.tray.update(await (app?.services.snapshot() ?? Promise.reject(new Error('not started'))));
    const tray = electron.trays[0];
    tray?.fire('click');
    const prod = tray?.popUps
      .at(-1)
      ?.template.find((item) => String((item as { label?: string }).label).startsWith('prod')) as {
      submenu: { label: string; click?: () => void }[];
    };
    // No account is signed in: copying fails, and says so in a notification.
    prod.submenu.find((item) => item.label === 'Copy token')?.click?.();
    await vi.waitFor(() => expect(electron.notifications).toHaveLength(1));
    expect(electron.notifications[0]?.options.title).toBe('pgentra: could not copy the token');
    electron.focusCalls.length = 0;
    electron.notifications[0]?.fire('click');
    expect(electron.windows[0]?.visible).toBe(true);
    expect(electron.focusCalls).toEqual([{ steal: true }]);
  });

  // Electron docs/api/net.md: net.fetch goes through Chromium's network stack, which applies the
  // system proxy settings, PAC and WPAD; node:https, which sign-in used, applies none of them.
  it('sends sign-in requests through net.fetch', async () => {
    // No keychain here: the sign-in may be kept in a file, so the request is the first to fail.
    const { electron } = await start('linux', undefined, { settings: { allowPlaintextCache: true } });
    const result = await electron.invoke('accounts:signInDeviceCode');
    expect(result).toMatchObject({ ok: false, code: 'unreachable' });
    expect(electron.fetched.some((url) => url.startsWith('https://login.microsoftonline.com/'))).toBe(true);
  });
});
