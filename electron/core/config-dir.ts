// Where pgentra keeps config.json, the cache marker and locks. Light on imports on purpose: the
// `pgentra token` fast path needs it to find the agent socket.
import os from 'node:os';
import path from 'node:path';

export function resolveConfigDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  homedir: string = os.homedir(),
): string {
  if (env.PGENTRA_HOME) return path.resolve(env.PGENTRA_HOME);
  if (platform === 'darwin') return path.join(homedir, 'Library', 'Application Support', 'pgentra');
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(homedir, 'AppData', 'Roaming'), 'pgentra');
  const xdg =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(homedir, '.config');
  return path.join(xdg, 'pgentra');
}
