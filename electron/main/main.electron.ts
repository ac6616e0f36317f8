// The Electron entry (bundled to dist/main/main.cjs). Lifecycle lives in compose.ts; this file
// only hands it the real Electron modules and reports a failed start.
import {
  app,
  BrowserWindow,
  clipboard,
  ClipboardItem,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  screen,
  session,
  shell,
  Tray,
} from 'electron';
import { startApp } from './compose.js';

const log = (message: string) => console.log(`[pgentra] ${message}`);

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
  },
  { mainDir: __dirname, env: process.env, argv: process.argv, platform: process.platform, log },
).catch((error: unknown) => {
  log(`could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  app.exit(1);
});
