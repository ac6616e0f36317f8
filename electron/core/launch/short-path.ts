// Windows: psql and libpq are ANSI programs (main(), fopen()): a path they receive is converted to
// the ANSI code page, so a pgpass file under C:\Users\田中 reaches fopen as C:\Users\??, which
// does not exist. pgAdmin hands libpq the 8.3 short name of such a path for the same reason
// (pgadmin-org/pgadmin4 at bc58657, web/pgadmin/utils/__init__.py fs_short_path,
// GetShortPathNameW, used by get_complete_file_path at line 315).
import type { Processes } from '../ports.js';
import type { ConnectionTarget } from './connection.js';

const NON_ASCII = /[^\x20-\x7e]/;

/**
 * The 8.3 short name of an existing file, asked of cmd.exe (`%~sI`): Node has no
 * GetShortPathNameW. The path travels in an environment variable, never in the command line.
 * Resolves the path unchanged when it is ASCII already, or when the volume keeps no short names
 * (8.3 creation can be switched off): the ANSI code page may still hold its characters.
 */
export async function windowsShortPath(
  processes: Processes,
  env: Readonly<Record<string, string | undefined>>,
  file: string,
): Promise<string> {
  if (!NON_ASCII.test(file)) return file;
  const result = await processes
    .run({
      command: env.ComSpec ?? env.COMSPEC ?? 'C:\\Windows\\System32\\cmd.exe',
      args: ['/d', '/v:off', '/s', '/c', '"for %I in ("%PGENTRA_LONG_PATH%") do @echo %~sI"'],
      env: { ...env, PGENTRA_LONG_PATH: file },
      windowsVerbatimArguments: true,
      stdio: 'pipe',
    })
    .catch(() => null);
  const short = result?.exitCode === 0 ? result.stdout.trim() : '';
  return short !== '' && !NON_ASCII.test(short) && !short.includes('\n') ? short : file;
}

/** The target with its files (passfile, sslrootcert) named so an ANSI libpq can open them. */
export async function withShortFilePaths(
  processes: Processes,
  env: Readonly<Record<string, string | undefined>>,
  target: ConnectionTarget,
): Promise<ConnectionTarget> {
  if (processes.platform !== 'win32') return target;
  const rootcert = target.sslrootcert;
  return {
    ...target,
    passfile: await windowsShortPath(processes, env, target.passfile),
    ...(rootcert && rootcert !== 'system'
      ? { sslrootcert: await windowsShortPath(processes, env, rootcert) }
      : {}),
  };
}
