// Replacing a user's file without ever leaving it half-written: write a temp file next to it
// (same file system, so rename is atomic), fsync, rename over, fsync the directory. Any failure
// removes the temp and leaves the original byte-identical. A symlink at the target is refused:
// following it would let someone redirect our write of a secret.
import { PgentraError } from '../errors.js';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Clock, FileStat, FileSystem } from '../ports.js';

export class FileWriteError extends PgentraError {
  override readonly name: string = 'FileWriteError';
  constructor(
    message: string,
    /** The system's error code (EACCES, ENOSPC, …), when one caused this. */
    readonly errno?: string,
    options?: { cause?: unknown },
    code: 'file-write' | 'file-changed' = 'file-write',
  ) {
    super(code, message, { cause: options?.cause });
  }
}

/** The target changed between our read and our rename (an editor or another tool wrote it). */
export class ConcurrentChangeError extends FileWriteError {
  override readonly name = 'ConcurrentChangeError';
  constructor(message: string, errno?: string, options?: { cause?: unknown }) {
    super(message, errno, options, 'file-changed');
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EIO: 'an input/output error occurred',
  EBUSY: 'the file is in use by another program',
  ENOENT: 'the directory does not exist',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'the path is a directory',
  ELOOP: 'the path is a symbolic link',
  EEXIST: 'a leftover temporary file is in the way',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many files are open',
};

export function describeFsError(error: unknown): { reason: string; code?: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return {
    reason: (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error)),
    code,
  };
}

export interface WriteFileAtomicOptions {
  /** Permission bits of the new file (default 0600: everything we write may hold a secret). */
  mode?: number;
  /**
   * Optimistic concurrency: the target as the caller read it (`null`: it did not exist). Checked
   * again just before the rename; a difference throws ConcurrentChangeError and writes nothing,
   * so a caller that re-reads and retries never overwrites someone else's edit.
   */
  expect?: FileStat | null;
  /**
   * Windows: keep retrying the rename for a few seconds while another program has the target open.
   * MoveFileEx fails with ERROR_ACCESS_DENIED / ERROR_SHARING_VIOLATION (EPERM, EACCES, EBUSY in
   * Node, libuv src/win/error.c) while an antivirus scanner, the search indexer or a reader holds
   * the file without FILE_SHARE_DELETE, which lasts milliseconds to seconds.
   */
  renameRetry?: { clock: Clock; withinMs?: number };
}

const RENAME_RETRY_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

/**
 * Waiting for another program (a lock holder, a scanner holding the file) is work in progress,
 * yet the system clock's timers are unref'd (so a CLI exits while refresh timers are pending):
 * without a ref'd handle a `pgentra pgpass sync` that has to wait would exit silently, its write
 * never done.
 */
export async function waitKeepingAlive(clock: Clock, ms: number): Promise<void> {
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  } finally {
    clearInterval(keepAlive);
  }
}

async function renameWithRetry(
  fs: FileSystem,
  from: string,
  to: string,
  retry: WriteFileAtomicOptions['renameRetry'],
): Promise<void> {
  const started = retry?.clock.monotonic() ?? 0;
  for (let delayMs = 20; ; delayMs = Math.min(delayMs * 2, 500)) {
    try {
      await fs.rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (!retry || !code || !RENAME_RETRY_CODES.has(code)) throw error;
      if (retry.clock.monotonic() - started + delayMs > (retry.withinMs ?? 5_000)) throw error;
      await waitKeepingAlive(retry.clock, delayMs);
    }
  }
}

const TEMP_MARK = '.pgentra-';
const TEMP_SUFFIX = '.tmp';

/** The temp-file names writeFileAtomic uses for `target`, so a leftover can be recognised. */
export function isTempFileFor(target: string, name: string): boolean {
  const prefix = `.${path.basename(target)}${TEMP_MARK}`;
  return (
    name.startsWith(prefix) &&
    name.endsWith(TEMP_SUFFIX) &&
    /^[0-9a-f]{12}$/.test(name.slice(prefix.length, -TEMP_SUFFIX.length))
  );
}

function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}${TEMP_MARK}${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`,
  );
}

function sameFile(a: FileStat | null, b: FileStat | null): boolean {
  if (a === null || b === null) return a === b;
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.isFile === b.isFile;
}

export async function writeFileAtomic(
  fs: FileSystem,
  target: string,
  data: Buffer,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const fail = (step: string, error: unknown, existed: boolean): FileWriteError => {
    const { reason, code } = describeFsError(error);
    const outcome = existed ? 'the previous file is unchanged' : 'nothing was written';
    return new FileWriteError(`cannot write ${target}: ${reason} (${step}); ${outcome}`, code, {
      cause: error,
    });
  };

  let existing: FileStat | null;
  try {
    existing = await fs.lstat(target);
  } catch (error) {
    throw fail('checking the file', error, false);
  }
  if (existing?.isSymbolicLink)
    throw new FileWriteError(
      `refusing to write ${target}: it is a symbolic link, and writing through it could put a secret ` +
        'somewhere else; replace the link with a regular file (or point pgentra at the real path)',
      'ELOOP',
    );
  if (existing && !existing.isFile)
    throw new FileWriteError(`refusing to write ${target}: it is not a regular file`, 'EISDIR');
  if (existing && existing.links > 1)
    throw new FileWriteError(
      `refusing to write ${target}: it has ${existing.links} hard links, and replacing it would leave ` +
        'the old contents (a token, perhaps) readable under the other names; remove the other links ' +
        '(`find / -samefile` lists them) or point pgentra at a file of its own',
      'EMLINK',
    );
  if (existing && !existing.ownedByMe)
    throw new FileWriteError(
      `refusing to write ${target}: it belongs to another user, who could read what pgentra puts in ` +
        'it; take it over (chown) or point pgentra at a file of your own',
      'EPERM',
    );
  if (options.expect !== undefined && !sameFile(options.expect, existing))
    throw new ConcurrentChangeError(`${target} changed while pgentra was updating it`, 'ECHANGED');

  const directory = path.dirname(target);
  const temp = tempPathFor(target);
  const discardTemp = () => fs.unlink(temp).catch(() => undefined);
  try {
    await fs.writeNewFile(temp, data, mode);
  } catch (error) {
    // A write that failed midway (ENOSPC) may have left a partial temp behind.
    await discardTemp();
    throw fail(`creating a temporary file in ${directory}`, error, existing !== null);
  }
  if (options.expect !== undefined) {
    const now = await fs.lstat(target).catch(() => undefined);
    if (now === undefined || !sameFile(options.expect, now)) {
      await discardTemp();
      throw new ConcurrentChangeError(`${target} changed while pgentra was updating it`, 'ECHANGED');
    }
  }
  try {
    await renameWithRetry(fs, temp, target, options.renameRetry);
  } catch (error) {
    await discardTemp();
    throw fail('replacing the file', error, existing !== null);
  }
  // The new content is in place; a directory that refuses fsync only weakens durability across a
  // power cut, which is not worth reporting a successful write as failed.
  await fs.syncDirectory(directory).catch(() => undefined);
}

/**
 * Removes temp files a crashed writer left next to `target`. Only call it while holding the lock
 * every writer of `target` takes, or it could delete a live writer's temp.
 */
export async function removeLeftoverTemps(fs: FileSystem, target: string): Promise<number> {
  const directory = path.dirname(target);
  const names = await fs.readdir(directory).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!isTempFileFor(target, name)) continue;
    const file = path.join(directory, name);
    const stat = await fs.lstat(file).catch(() => null);
    if (!stat?.isFile) continue;
    await fs.unlink(file).then(
      () => (removed += 1),
      () => undefined,
    );
  }
  return removed;
}
