// Where libpq looks for its per-user files when nothing overrides them (libpq docs, "The Password
// File", "The Connection Service File" and "SSL Support"): the pgpass file, the service file and
// the root certificates share one rule, so pgentra writes and checks exactly the files psql reads.
import path from 'node:path';

export interface LibpqPlace {
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  platform: NodeJS.Platform;
  /** The roaming application-data folder (libpq asks Windows for CSIDL_APPDATA). */
  appData?: string;
}

const UNIX_NAMES = {
  pgpass: '.pgpass',
  'pg_service.conf': '.pg_service.conf',
  'root.crt': path.posix.join('.postgresql', 'root.crt'),
};
// The service file keeps its leading dot on Windows too (libpq docs; unlike pgpass.conf).
const WINDOWS_NAMES = {
  pgpass: 'pgpass.conf',
  'pg_service.conf': '.pg_service.conf',
  'root.crt': 'root.crt',
};

export function libpqDefaultFile(file: keyof typeof UNIX_NAMES, place: LibpqPlace): string {
  if (place.platform !== 'win32') return path.posix.join(place.homedir, UNIX_NAMES[file]);
  const appData = place.appData || place.env.APPDATA || path.win32.join(place.homedir, 'AppData', 'Roaming');
  return path.win32.join(appData, 'postgresql', WINDOWS_NAMES[file]);
}
