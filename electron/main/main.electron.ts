// The Electron entry (bundled to dist/main/main.cjs). Lifecycle lives in compose.ts; this file
// only hands it the real Electron modules and reports a failed start (app-log.ts).
import {
  app,
  BrowserWindow,
  clipboard,
  ClipboardItem,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  powerMonitor,
  screen,
  session,
  shell,
  Tray,
} from 'electron';
import { resolveConfigDir } from '../core/config-dir.js';
import { createAppLog, reportFailedStart } from './app-log.js';
import { startApp } from './compose.js';

const appLog = createAppLog({
  configDir: resolveConfigDir(process.env),
  now: () => new Date(),
  echo: (line) => console.log(`[pgentra] ${line}`),
});
const log = (message: string) => appLog.log(message);

process.on('unhandledRejection', (reason) =>
  log(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`),
);

startApp(
  {
    app,
    BrowserWindow,
    Tray,
    Menu,
    ipcMain,
    nativeImage,
    clipboard,
    ClipboardItem,
    Notification,
    shell,
    session,
    screen,
    powerMonitor,
    dialog,
    net,
  },
  { mainDir: __dirname, env: process.env, argv: process.argv, platform: process.platform, log },
).catch((error: unknown) => {
  reportFailedStart(error, {
    log: appLog,
    showErrorBox: (title, content) => dialog.showErrorBox(title, content),
  });
  app.exit(1);
});
