// startApp, the tray app's composition root, under fake Electron modules (test/support/fakes/
// electron-main.ts) with the real services in a throw-away config dir: the order things start in,
// and what each platform's events do.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

async function start(platform: NodeJS.Platform, prepare?: (electron: FakeElectron) => void) {
  home = await mkdtemp(path.join(os.tmpdir(), 'pgentra-compose-'));
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
});
