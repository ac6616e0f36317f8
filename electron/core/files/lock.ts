// A cross-process lock: an exclusively created lock file holding the holder's pid, host, start
// time and a nonce. A holder that died (its pid is gone on this host) or that has held the lock
// longer than `staleMs` is presumed crashed and its lock is taken over, so a killed CLI can never
// wedge the tray or the next CLI. Holders cannot renew, so `staleMs` must exceed the longest
// critical section.
import { PgentraError } from '../errors.js';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';
import type { Clock, FileSystem } from '../ports.js';
import { describeFsError, FileWriteError, waitKeepingAlive } from './atomic-write.js';

const holderSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  since: z.number(),
  nonce: z.string().optional(),
});
type Holder = z.infer<typeof holderSchema>;

export class LockTimeoutError extends PgentraError {
  override readonly name = 'LockTimeoutError';
  constructor(
    message: string,
    readonly holder?: { pid: number; host: string; since: number },
  ) {
    super('lock-timeout', message);
  }
}

export interface LockOptions {
  clock: Clock;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is presumed abandoned (default 60 s). */
  staleMs?: number;
  /** For testing: whether a pid on this host is still running. */
  isProcessAlive?: (pid: number) => boolean;
  /** For testing: this process's identity as written into the lock file. */
  hostname?: string;
  pid?: number;
  /** Windows refuses to create a file whose previous holder is still being deleted (see acquireFileLock). */
  platform?: NodeJS.Platform;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether creating the lock failed because a lock file is there. On Windows a lock file that its
 * holder has just unlinked stays "delete pending" until every handle on it is closed (an
 * antivirus scanner, the indexer): CreateFile then fails with ERROR_ACCESS_DENIED, which libuv
 * reports as EPERM (src/win/error.c:158), though the file is about to go. So there EPERM means
 * "held" and is waited out like EEXIST, until the timeout.
 */
const isHeld = (error: unknown, platform: NodeJS.Platform) => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EEXIST' || (platform === 'win32' && code === 'EPERM');
};
const isExists = (error: unknown) => isHeld(error, 'linux');

/** A lock file that never got its content (creator crashed mid-write) is aged by its mtime. */
const UNREADABLE_STALE_MS = 5_000;
/** The breaker is held only for a read and an unlink; older than this, its holder crashed. */
const BREAKER_STALE_MS = 2_000;

async function readHolder(
  fs: FileSystem,
  lockPath: string,
): Promise<{ raw: string; holder: Holder | null } | null> {
  let raw: string;
  try {
    raw = (await fs.readFile(lockPath)).toString('utf8');
  } catch {
    return null;
  }
  try {
    const parsed = holderSchema.safeParse(JSON.parse(raw));
    return { raw, holder: parsed.success ? parsed.data : null };
  } catch {
    return { raw, holder: null };
  }
}

/** Takes the lock, returning a release function. */
export async function acquireFileLock(
  fs: FileSystem,
  lockPath: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  const { clock } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 60_000;
  const alive = options.isProcessAlive ?? processAlive;
  const host = options.hostname ?? os.hostname();
  const pid = options.pid ?? process.pid;
  const platform = options.platform ?? process.platform;
  const started = clock.monotonic();
  let delayMs = 5;
  let lastHolder: Holder | null = null;
  let lastRefusal: unknown;
  let immediateRetries = 0;

  const isStale = async (seen: { raw: string; holder: Holder | null }): Promise<boolean> => {
    if (seen.holder)
      return (
        (seen.holder.host === host && seen.holder.pid !== pid && !alive(seen.holder.pid)) ||
        clock.now() - seen.holder.since > staleMs
      );
    const stat = await fs.lstat(lockPath).catch(() => null);
    return stat !== null && clock.now() - stat.mtimeMs > Math.min(staleMs, UNREADABLE_STALE_MS);
  };

  // Two waiters that both judge the same lock stale must not both delete "it": the second
  // could delete the lock the first has just created. A short-lived breaker file serialises the
  // takeover, and under it the lock is removed only if it is still the one judged stale.
  const breakStale = async (seen: { raw: string }): Promise<boolean> => {
    const breaker = `${lockPath}.break`;
    try {
      await fs.writeNewFile(breaker, Buffer.from(JSON.stringify({ pid, host, since: clock.now() })), 0o600);
    } catch (error) {
      if (!isExists(error)) return false;
      const other = await readHolder(fs, breaker);
      const since = other?.holder?.since ?? (await fs.lstat(breaker).catch(() => null))?.mtimeMs;
      if (since !== undefined && clock.now() - since > BREAKER_STALE_MS)
        await fs.unlink(breaker).catch(() => undefined);
      return false;
    }
    try {
      const again = await readHolder(fs, lockPath);
      if (again?.raw !== seen.raw) return again === null;
      await fs.unlink(lockPath);
      return true;
    } catch {
      return false;
    } finally {
      await fs.unlink(breaker).catch(() => undefined);
    }
  };

  for (;;) {
    const mine = JSON.stringify({ pid, host, since: clock.now(), nonce: randomBytes(8).toString('hex') });
    try {
      await fs.writeNewFile(lockPath, Buffer.from(mine), 0o600);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        // If we overstayed `staleMs`, someone may have taken over: never delete their lock.
        const current = await readHolder(fs, lockPath);
        if (current?.raw === mine) await fs.unlink(lockPath).catch(() => undefined);
      };
    } catch (error) {
      lastRefusal = error;
      if (!isHeld(error, platform)) {
        throw new FileWriteError(
          `cannot create the lock file ${lockPath}: ${describeFsError(error).reason}`,
          describeFsError(error).code,
          {
            cause: error,
          },
        );
      }
    }
    // Retry at once when the lock just went away or we removed a stale one; anything that keeps
    // failing (an unremovable or unreadable lock file) falls through to the timeout below.
    const seen = await readHolder(fs, lockPath);
    if (seen) lastHolder = seen.holder ?? lastHolder;
    const gone = seen === null || ((await isStale(seen)) && (await breakStale(seen)));
    if (gone && immediateRetries < 3) {
      immediateRetries += 1;
      continue;
    }
    if (clock.monotonic() - started >= timeoutMs) {
      // Windows' EPERM never cleared and no holder was ever seen: say what the system said.
      if (!lastHolder && (lastRefusal as NodeJS.ErrnoException | undefined)?.code === 'EPERM')
        throw new FileWriteError(
          `cannot create the lock file ${lockPath}: ${describeFsError(lastRefusal).reason} for ` +
            `${Math.round(timeoutMs / 1000)} s (a program may be holding a deleted one open, or the folder may not be writable)`,
          'EPERM',
          { cause: lastRefusal },
        );
      const who = lastHolder
        ? ` by pid ${lastHolder.pid}${lastHolder.host === host ? '' : ` on ${lastHolder.host}`}`
        : '';
      throw new LockTimeoutError(
        `${lockPath} is held${who} (another pgentra process) for more than ${Math.round(timeoutMs / 1000)} s; ` +
          'try again, or remove the file if no pgentra is running',
        lastHolder ? { pid: lastHolder.pid, host: lastHolder.host, since: lastHolder.since } : undefined,
      );
    }
    await waitKeepingAlive(clock, delayMs);
    immediateRetries = 0;
    delayMs = Math.min(delayMs * 2, 100);
  }
}

export async function withFileLock<T>(
  fs: FileSystem,
  lockPath: string,
  work: () => Promise<T>,
  options: LockOptions,
): Promise<T> {
  const release = await acquireFileLock(fs, lockPath, options);
  try {
    return await work();
  } finally {
    await release();
  }
}
