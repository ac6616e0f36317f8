// "Start at login". macOS and Windows: Electron's login items. Linux has no such API in Electron,
// so an XDG autostart entry (~/.config/autostart/pgentra.desktop) does the same. A development
// run never registers itself: that would start a bare Electron binary at every login.
import path from 'node:path';
import type { Settings } from 'electron';

/** The login-time start is recognisable by this argument, so the window stays hidden. */
export const HIDDEN_ARG = '--hidden';

export function autostartDesktopEntry(exec: string): string {
  // The Exec key is quoted per the Desktop Entry spec: backslash, quote, backtick and dollar escaped.
  const quoted = `"${exec.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=pgentra',
    'Comment=Keeps Entra ID tokens for PostgreSQL fresh',
    `Exec=${quoted} ${HIDDEN_ARG}`,
    'Icon=pgentra',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface StartAtLoginDeps {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  env: NodeJS.ProcessEnv;
  homedir: string;
  execPath: string;
  setLoginItemSettings(settings: Settings): void;
  writeFile(file: string, text: string): Promise<void>;
  removeFile(file: string): Promise<void>;
  log(message: string): void;
}

export function autostartFile(env: NodeJS.ProcessEnv, homedir: string): string {
  const config =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(homedir, '.config');
  return path.join(config, 'autostart', 'pgentra.desktop');
}

/** Applies the setting to the OS; never throws (a failure is logged, the setting stays saved). */
export function createStartAtLogin(deps: StartAtLoginDeps): (enabled: boolean) => void {
  return (enabled) => {
    if (!deps.isPackaged) {
      deps.log(`start at login: ${enabled ? 'on' : 'off'} (not applied to a development run)`);
      return;
    }
    if (deps.platform === 'darwin' || deps.platform === 'win32') {
      try {
        deps.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
      } catch (error) {
        deps.log(`start at login: ${error instanceof Error ? error.message : String(error)}`);
      }
      return;
    }
    // An AppImage moves with its file; $APPIMAGE is where it is now.
    const exec = deps.env.APPIMAGE ?? deps.execPath;
    const file = autostartFile(deps.env, deps.homedir);
    const work = enabled ? deps.writeFile(file, autostartDesktopEntry(exec)) : deps.removeFile(file);
    work.catch((error: unknown) =>
      deps.log(`start at login: ${file}: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
}
