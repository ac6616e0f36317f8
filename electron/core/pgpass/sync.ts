// Writing tokens into the user's pgpass file: under a lock, read it, rebuild it with our block
// first, and replace it atomically with mode 0600. Unchanged content is not rewritten; a file that
// cannot be written is left exactly as it was and the error says why. The service file
// (pg_service.conf) is written by the same rewriteManagedFile, so both get the same care.
import { libpqDefaultFile, type LibpqPlace } from '../libpq-paths.js';
import { PgentraError } from '../errors.js';
import path from 'node:path';
import {
  ConcurrentChangeError,
  describeFsError,
  removeLeftoverTemps,
  writeFileAtomic,
} from '../files/atomic-write.js';
import { withFileLock, type LockOptions } from '../files/lock.js';
import type { Clock, FileStat, FileSystem } from '../ports.js';
import { parse, serialize, type PgpassDocument, type PgpassEntry } from './format.js';
import {
  managedEntries,
  PgpassBlockError,
  scanManagedBlocks,
  withManagedBlock,
  withManagedLines,
  type ManagedBlockScan,
  type PgpassManagedEntry,
} from './managed-block.js';

/** A libpq file pgentra keeps a block in (pgpass, or the service file) could not be read or written. */
export class PgpassFileError extends PgentraError {
  override readonly name: string = 'PgpassFileError';
  constructor(
    message: string,
    /** The system's error code (EACCES, ENOSPC, …), when one caused this. */
    readonly errno?: string,
    options?: { cause?: unknown },
    code: 'pgpass-file' | 'service-file' = 'pgpass-file',
  ) {
    super(code, message, { cause: options?.cause });
  }
}

export interface PgpassReport {
  path: string;
  /** The file's bytes changed (or it was created). */
  changed: boolean;
  created: boolean;
  /** The file had group/other permission bits (libpq ignores such a file); pgentra rewrote it 0600. */
  fixedMode: boolean;
  /** Permission bits before the write (null: no file). */
  previousMode: number | null;
  /** Complete pgentra blocks found (more than one: a user duplicated it; all were replaced). */
  blocksFound: number;
  /** Our block was found below other lines and has been put back at the top. */
  blockMoved: boolean;
  /** Entries now in the block. */
  entries: number;
}

/** @deprecated the old name of PgpassReport */
export type PgpassWriteResult = PgpassReport;

type LockChoice =
  | {
      /** Cross-process lock settings; the lock file sits next to the pgpass file unless `path` is given. */
      lock: LockOptions & { path?: string };
      clock?: undefined;
    }
  | {
      /** @deprecated pass `lock: { clock }` */
      clock: Clock;
      lock?: undefined;
    };

export type PgpassSyncOptions = {
  fs: FileSystem;
  path: string;
  entries: readonly PgpassManagedEntry[];
  /**
   * Entries already in the block that this predicate accepts stay (after `entries`), unless an
   * entry in `entries` is for the same host, port, database and user. For tokens this process has
   * no fresh copy of but another process wrote and are still valid. Read under the lock.
   */
  keepExisting?: (entry: PgpassEntry) => boolean;
  /** Mode bits are only checked and fixed on POSIX (libpq does not check them on Windows). */
  platform?: NodeJS.Platform;
} & LockChoice;

export type PgpassCleanOptions = Omit<PgpassSyncOptions, 'entries'>;

/** Replaces pgentra's block with exactly these entries (none: the block is removed). */
export function syncPgpass(options: PgpassSyncOptions): Promise<PgpassReport> {
  const { entries: wanted, keepExisting } = options;
  return rewriteManagedFile(options, wanted.length > 0 || keepExisting !== undefined, (document) => {
    let entries = wanted;
    if (keepExisting) {
      const key = (e: PgpassEntry) =>
        JSON.stringify([e.host, String(e.port ?? '*'), e.database ?? '*', e.user]);
      const replaced = new Set(wanted.map(key));
      const kept = managedEntries(document, scanManagedBlocks(document)).filter(
        (entry) => !replaced.has(key(entry)) && keepExisting(entry),
      );
      entries = [...wanted, ...kept];
    }
    return { ...withManagedBlock(document, entries), entries: entries.length };
  });
}

/** Removes pgentra's block and nothing else. */
export function cleanPgpass(options: PgpassCleanOptions): Promise<PgpassReport> {
  return rewriteManagedFile(options, false, (document) => ({
    ...withManagedLines(document, []),
    entries: 0,
  }));
}

/** How one kind of file pgentra keeps a block in differs from the pgpass file. */
export interface ManagedFileKind {
  /** The error raised for this file (its code names the file kind); default PgpassFileError. */
  fileError?: (message: string, errno: string | undefined, cause: unknown) => PgentraError;
}

/** What rewriteManagedFile asks of its caller: the next document, built from the current one. */
export type ManagedFilePlan = (document: PgpassDocument) => {
  document: PgpassDocument;
  scan: ManagedBlockScan;
  /** Lines of ours now in the block (0: the block is gone, and a wide mode is left alone). */
  entries: number;
};

const MAX_ATTEMPTS = 3;

/**
 * The one way pgentra changes a file it keeps a block in (pgpass, pg_service.conf): under a lock
 * beside the file, read it, build the next document from it, and replace it atomically with mode
 * 0600, re-reading when someone else changed it meanwhile. `creates`: the file (and its directory,
 * 0700) may be created; otherwise a missing directory means there is nothing to do.
 */
export async function rewriteManagedFile(
  options: PgpassCleanOptions & ManagedFileKind,
  creates: boolean,
  plan: ManagedFilePlan,
): Promise<PgpassReport> {
  const { fs, path: file } = options;
  const fileError =
    options.fileError ??
    ((message: string, errno: string | undefined, cause: unknown) =>
      new PgpassFileError(message, errno, cause === undefined ? undefined : { cause }));
  const lock: LockOptions & { path?: string } = options.lock ?? { clock: options.clock as Clock };
  const platform = options.platform ?? process.platform;
  const lockOptions: LockOptions = { timeoutMs: 10_000, staleMs: 30_000, platform, ...lock };
  // The lock file sits beside the file, so its directory must exist before the lock:
  // %APPDATA%\postgresql may not exist yet (0700: it is about to hold a secret). Nothing to
  // clean in a directory that does not exist.
  if (creates) {
    await fs.mkdir(path.dirname(file), 0o700).catch((error: unknown) => {
      const { reason, code } = describeFsError(error);
      throw fileError(`cannot create the directory for ${file}: ${reason}`, code, error);
    });
  } else if ((await fs.lstat(path.dirname(file)).catch(() => null)) === null) {
    const nothing = { changed: false, created: false, fixedMode: false, previousMode: null };
    return { path: file, ...nothing, blocksFound: 0, blockMoved: false, entries: 0 };
  }
  return withFileLock(
    fs,
    lock.path ?? `${file}.pgentra-lock`,
    async () => {
      // Our lock keeps other pgentra processes out, not the user's editor: if the file changes
      // between our read and our rename, read it again rather than overwrite the edit.
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await rewriteOnce(fs, file, platform, plan, fileError, lockOptions.clock);
        } catch (error) {
          if (!(error instanceof ConcurrentChangeError) || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    },
    lockOptions,
  );
}

async function rewriteOnce(
  fs: FileSystem,
  file: string,
  platform: NodeJS.Platform,
  plan: ManagedFilePlan,
  fileError: NonNullable<ManagedFileKind['fileError']>,
  clock: Clock,
): Promise<PgpassReport> {
  const stat = await inspect(fs, file, fileError);
  let before: Buffer;
  try {
    before = stat ? await fs.readFile(file) : Buffer.alloc(0);
  } catch (error) {
    const { reason, code } = describeFsError(error);
    throw fileError(`cannot read ${file}: ${reason}; pgentra left it unchanged`, code, error);
  }

  let next: ReturnType<ManagedFilePlan>;
  try {
    next = plan(parse(before));
  } catch (error) {
    if (error instanceof PgpassBlockError)
      throw fileError(`pgentra did not change ${file}: ${error.message}`, 'EBLOCK', error);
    throw error;
  }
  const after = serialize(next.document);
  const { scan, entries } = next;

  // libpq ignores a pgpass file with any group/other bit; fix it, but only where our lines live.
  const wideMode = stat !== null && platform !== 'win32' && (stat.mode & 0o077) !== 0;
  const fixMode = wideMode && entries > 0;
  const report: PgpassReport = {
    path: file,
    changed: !after.equals(before),
    created: stat === null && after.length > 0,
    fixedMode: false,
    previousMode: stat ? stat.mode & 0o777 : null,
    blocksFound: scan.blocks.length,
    blockMoved: (scan.blocks[0]?.start ?? 0) !== 0,
    entries,
  };
  if ((!report.changed && !fixMode) || (stat === null && after.length === 0)) return report;

  await removeLeftoverTemps(fs, file);
  await writeFileAtomic(fs, file, after, {
    mode: 0o600,
    expect: stat,
    // Elsewhere a refused rename is a real permission problem that waiting does not fix.
    ...(platform === 'win32' ? { renameRetry: { clock } } : {}),
  });
  return { ...report, fixedMode: wideMode };
}

/** lstat with the refusals every managed file shares: we never read or write through a link or into a FIFO. */
async function inspect(
  fs: FileSystem,
  file: string,
  fileError: NonNullable<ManagedFileKind['fileError']>,
): Promise<FileStat | null> {
  let stat: FileStat | null;
  try {
    stat = await fs.lstat(file);
  } catch (error) {
    throw fileError(
      `cannot check ${file}: ${describeFsError(error).reason}`,
      describeFsError(error).code,
      error,
    );
  }
  if (stat?.isSymbolicLink)
    throw fileError(
      `${file} is a symbolic link; pgentra will not write through it (the link could point ` +
        'anywhere). Replace the link with a regular file, or point pgentra and your clients ' +
        '(PGPASSFILE, PGSERVICEFILE) at the file it points to',
      'ELOOP',
      undefined,
    );
  if (stat && !stat.isFile)
    throw fileError(
      `${file} is not a regular file; libpq ignores it and pgentra will not replace it`,
      'EISDIR',
      undefined,
    );
  return stat;
}

/**
 * Where libpq looks for the password file: the `passfile` connection setting, else PGPASSFILE,
 * else ~/.pgpass (POSIX) or %APPDATA%\postgresql\pgpass.conf (Windows). An empty setting or
 * variable counts as unset, as in libpq. `~` in the setting means the home directory; a relative
 * path is taken from `cwd` (default: the home directory).
 */
export function resolvePgpassPath(options: LibpqPlace & { setting?: string; cwd?: string }): string {
  const paths = options.platform === 'win32' ? path.win32 : path.posix;
  const base = options.cwd ?? options.homedir;
  if (options.setting) {
    const expanded = options.setting.replace(/^~(?=$|[\\/])/, () => options.homedir);
    return paths.resolve(base, expanded);
  }
  const fromEnv = options.env.PGPASSFILE;
  if (fromEnv) return paths.resolve(base, fromEnv);
  return libpqDefaultFile('pgpass', options);
}
