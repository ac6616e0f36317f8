// A cross-process lock: an exclusively created lock file holding the holder's pid, host and start
// time. A holder that died (its pid is gone on this host) or that has held the lock longer than
// `staleMs` is presumed crashed and its lock is taken over, so a killed CLI can never wedge the
// tray or the next CLI.
import os from 'node:os';
import { z } from 'zod';
import type { Clock, FileSystem } from '../ports.js';

const holderSchema = z.object({ pid: z.number().int(), host: z.string(), since: z.number() });

export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
}

export interface LockOptions {
  clock: Clock;
  timeoutMs?: number;
  staleMs?: number;
  isProcessAlive?: (pid: number) => boolean;
  hostname?: string;
  pid?: number;
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

const sleep = (clock: Clock, ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));

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
  const started = clock.monotonic();
  let delay = 10;
  let holderPid: number | undefined;
  for (;;) {
    const body = Buffer.from(JSON.stringify({ pid, host, since: clock.now() }));
    try {
      await fs.writeNewFile(lockPath, body, 0o600);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await fs.unlink(lockPath).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await fs
      .readFile(lockPath)
      .then((raw) => holderSchema.safeParse(JSON.parse(raw.toString('utf8'))))
      .catch(() => null);
    holderPid = holder?.success ? holder.data.pid : undefined;
    const stale = holder?.success
      ? (holder.data.host === host && !alive(holder.data.pid)) || clock.now() - holder.data.since > staleMs
      : // Unreadable: a holder crashed between create and write, or the file is foreign. Age it by mtime.
        clock.now() - ((await fs.lstat(lockPath).catch(() => null))?.mtimeMs ?? clock.now()) >
        Math.min(staleMs, 5_000);
    if (stale) {
      await fs.unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (clock.monotonic() - started >= timeoutMs) {
      throw new LockTimeoutError(
        `${lockPath} is locked by another pgentra process${holderPid ? ` (pid ${holderPid})` : ''}; try again, or remove the file if no pgentra is running`,
      );
    }
    await sleep(clock, delay);
    delay = Math.min(delay * 2, 200);
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
