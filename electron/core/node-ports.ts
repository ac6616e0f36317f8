import { constants, promises as fs } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Clock, FileStat, FileSystem } from './ports.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(callback, ms) {
    // Node caps timers at 2^31-1 ms; longer waits are re-armed by the scheduler anyway.
    const handle = setTimeout(callback, Math.min(Math.max(0, ms), 2_147_483_647));
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export const nodeFileSystem: FileSystem = {
  readFile: (path) => fs.readFile(path),
  async lstat(path): Promise<FileStat | null> {
    try {
      const stat = await fs.lstat(path);
      return {
        isFile: stat.isFile(),
        isDirectory: stat.isDirectory(),
        isSymbolicLink: stat.isSymbolicLink(),
        mode: stat.mode & 0o7777,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        links: stat.nlink,
        ownedByMe: process.getuid === undefined || stat.uid === process.getuid(),
      };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  },
  async writeNewFile(path, data, mode) {
    // O_NOFOLLOW + O_EXCL: a planted symlink or leftover file makes this fail instead of writing through it.
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
    const handle = await fs.open(path, flags, mode);
    try {
      await handle.writeFile(data);
      // umask may have narrowed the mode further; it can never have widened it, but be explicit.
      if (process.platform !== 'win32') await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fs.rename(from, to),
  unlink: (path) => fs.unlink(path),
  async mkdir(path, mode) {
    await fs.mkdir(path, { recursive: true, mode });
  },
  chmod: (path, mode) => fs.chmod(path, mode),
  async syncDirectory(path) {
    if (process.platform === 'win32') return;
    const handle = await fs.open(path, constants.O_RDONLY);
    try {
      await handle.sync();
    } catch (error) {
      // Some file systems (network mounts) refuse fsync on directories; the rename still happened.
      if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    } finally {
      await handle.close();
    }
  },
  readdir: (path) => fs.readdir(path),
};
