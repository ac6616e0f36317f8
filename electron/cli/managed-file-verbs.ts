// `pgentra pgpass` and `pgentra service` manage one block in a libpq file each, with the same
// verbs: `sync`, `clean` and `path`. What is common to both (choosing the verb, `path`, `clean`)
// is here once; each command keeps only its own `sync`.
import { formatHelp, type CommandHelp } from './args.js';
import { ExitCode, usageError } from './exit-codes.js';
import type { Io } from './io.js';

export type ManagedFileVerb = 'sync' | 'clean' | 'path';

/** The verb asked for, or the exit code when help was asked for or nothing was. */
export function managedFileVerb(
  command: string,
  verb: string | undefined,
  help: CommandHelp,
  io: Io,
): ManagedFileVerb | number {
  if (verb === '--help' || verb === '-h') {
    io.stdout(formatHelp(help));
    return ExitCode.ok;
  }
  if (verb === 'sync' || verb === 'clean' || verb === 'path') return verb;
  if (verb === undefined) {
    io.stderr(formatHelp(help));
    return ExitCode.usage;
  }
  throw usageError(`unknown ${command} command "${verb}" (use sync, clean or path)`);
}

/** `path` prints the file; `clean` takes pgentra's block out and says whether there was one. */
export async function pathOrClean(
  verb: Exclude<ManagedFileVerb, 'sync'>,
  file: { path(): string; clean(): Promise<{ path: string; changed: boolean }>; ours: string },
  io: Io,
): Promise<number> {
  if (verb === 'path') {
    io.stdout(`${file.path()}\n`);
    return ExitCode.ok;
  }
  const report = await file.clean();
  io.stderr(
    report.changed
      ? `Removed pgentra's ${file.ours} from ${report.path}.\n`
      : `${report.path} had no pgentra ${file.ours}.\n`,
  );
  return ExitCode.ok;
}
