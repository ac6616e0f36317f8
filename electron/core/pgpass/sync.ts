// Writing tokens into the user's pgpass file: read, rebuild with our block first, write atomically
// with mode 0600 under a lock. Unchanged content is not rewritten; an unwritable file is left
// exactly as it was and the error says why.
import path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import { withFileLock } from '../files/lock.js';
import type { Clock, FileSystem } from '../ports.js';
import type { PgpassEntry } from './format.js';
import { parsePgpass, renderPgpass } from './managed-block.js';

export interface PgpassWriteResult {
  changed: boolean;
  /** The file had group/other permission bits (libpq ignores such a file); it is now 0600. */
  fixedMode: boolean;
  /** Complete pgentra blocks found before the write (more than one means a user copied one). */
  blocksFound: number;
}

export function resolvePgpassPath(options: {
  setting?: string;
  env: NodeJS.ProcessEnv;
  homedir: string;
  platform: NodeJS.Platform;
}): string {
  if (options.setting)
    return path.resolve(options.homedir, options.setting.replace(/^~(?=$|[\\/])/, options.homedir));
  if (options.env.PGPASSFILE) return path.resolve(options.env.PGPASSFILE);
  if (options.platform === 'win32') {
    const appData = options.env.APPDATA ?? path.join(options.homedir, 'AppData', 'Roaming');
    return path.win32.join(appData, 'postgresql', 'pgpass.conf');
  }
  return path.join(options.homedir, '.pgpass');
}

async function rewrite(
  fs: FileSystem,
  file: string,
  clock: Clock,
  entries: readonly PgpassEntry[] | null,
): Promise<PgpassWriteResult> {
  return withFileLock(
    fs,
    `${file}.pgentra-lock`,
    async () => {
      const stat = await fs.lstat(file);
      const before = stat ? await fs.readFile(file) : Buffer.alloc(0);
      const parsed = parsePgpass(before);
      const after = renderPgpass(parsed.foreign, entries ?? []);
      const wideMode = stat !== null && process.platform !== 'win32' && (stat.mode & 0o077) !== 0;
      if (after.equals(before) && !wideMode)
        return { changed: false, fixedMode: false, blocksFound: parsed.blocks };
      if (!stat && after.length === 0) return { changed: false, fixedMode: false, blocksFound: 0 };
      await fs.mkdir(path.dirname(file), 0o700);
      await writeFileAtomic(fs, file, after, { mode: 0o600 });
      return { changed: !after.equals(before), fixedMode: wideMode, blocksFound: parsed.blocks };
    },
    { clock, timeoutMs: 10_000, staleMs: 30_000 },
  );
}

/** Replaces pgentra's block with these entries (none: the block is removed). */
export function syncPgpass(options: {
  fs: FileSystem;
  path: string;
  entries: readonly PgpassEntry[];
  clock: Clock;
}): Promise<PgpassWriteResult> {
  return rewrite(options.fs, options.path, options.clock, options.entries);
}

/** Removes pgentra's block and nothing else. */
export function cleanPgpass(options: {
  fs: FileSystem;
  path: string;
  clock: Clock;
}): Promise<PgpassWriteResult> {
  return rewrite(options.fs, options.path, options.clock, null);
}
