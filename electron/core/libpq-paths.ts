// Where libpq looks for its per-user files when nothing overrides them (libpq docs, "The Password
// File" and "SSL Support"): the pgpass file and the root certificates share one rule, so pgentra
// writes and checks exactly the files psql will read.
import path from 'node:path';

export interface LibpqPlace {
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  platform: NodeJS.Platform;
  /** The roaming application-data folder (libpq asks Windows for CSIDL_APPDATA). */
  appData?: string;
}

const UNIX_NAMES = { pgpass: '.pgpass', 'root.crt': path.posix.join('.postgresql', 'root.crt') };
const WINDOWS_NAMES = { pgpass: 'pgpass.conf', 'root.crt': 'root.crt' };

export function libpqDefaultFile(file: 'pgpass' | 'root.crt', place: LibpqPlace): string {
  if (place.platform !== 'win32') return path.posix.join(place.homedir, UNIX_NAMES[file]);
  const appData = place.appData || place.env.APPDATA || path.win32.join(place.homedir, 'AppData', 'Roaming');
  return path.win32.join(appData, 'postgresql', WINDOWS_NAMES[file]);
}
