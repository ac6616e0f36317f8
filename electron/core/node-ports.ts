import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Clock, FileStat, FileSystem, Processes, SpawnResult } from './ports.js';

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

/** How long a detached program may take to fail at once (no display, bad flag) before we call it started. */
const DETACHED_GRACE_MS = 400;

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number | null {
  return code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null);
}

async function isExecutableFile(candidate: string): Promise<boolean> {
  try {
    const stat = await fs.stat(candidate);
    if (!stat.isFile()) return false;
    if (process.platform !== 'win32') await fs.access(candidate, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Processes port on child_process; `env` is what children get when a request names none. */
export function createNodeProcesses(
  options: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {},
): Processes {
  const baseEnv = options.env ?? process.env;
  return {
    platform: options.platform ?? process.platform,
    async which(command) {
      if (isAbsolute(command)) return (await isExecutableFile(command)) ? command : null;
      const dirs = (baseEnv.PATH ?? baseEnv.Path ?? '').split(delimiter).filter(Boolean);
      const extensions =
        process.platform === 'win32' ? ['', ...(baseEnv.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';')] : [''];
      for (const dir of dirs) {
        for (const extension of extensions) {
          const candidate = join(dir, command + extension);
          if (await isExecutableFile(candidate)) return candidate;
        }
      }
      return null;
    },
    run(request) {
      const stdio = request.stdio ?? 'pipe';
      return new Promise<SpawnResult>((resolve, reject) => {
        const child = spawn(request.command, [...request.args], {
          env: (request.env ?? baseEnv) as NodeJS.ProcessEnv,
          cwd: request.cwd,
          detached: request.detached ?? false,
          stdio: stdio === 'pipe' ? ['pipe', 'pipe', 'pipe'] : stdio,
          windowsVerbatimArguments: request.windowsVerbatimArguments,
          windowsHide: stdio !== 'inherit' && !request.detached,
        });
        let stdout = '';
        let stderr = '';
        child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        if (child.stdin) child.stdin.end(request.input ?? '');
        // Like system(3): while a foreground child owns the terminal, Ctrl-C and Ctrl-\ are for it
        // (psql cancels the running query), not for us.
        const ignore = () => undefined;
        const foreground = stdio === 'inherit' && !request.detached;
        if (foreground) {
          process.on('SIGINT', ignore);
          process.on('SIGQUIT', ignore);
        }
        const cleanup = () => {
          if (foreground) {
            process.off('SIGINT', ignore);
            process.off('SIGQUIT', ignore);
          }
        };
        child.once('error', (error) => {
          cleanup();
          reject(error);
        });
        if (request.detached) {
          child.once('spawn', () => {
            const timer = setTimeout(() => {
              child.removeAllListeners('exit');
              child.unref();
              resolve({ exitCode: null, signal: null, stdout, stderr });
            }, DETACHED_GRACE_MS);
            child.once('exit', (code, signal) => {
              clearTimeout(timer);
              resolve({ exitCode: exitCodeOf(code, signal), signal, stdout, stderr });
            });
          });
          return;
        }
        child.once('close', (code, signal) => {
          cleanup();
          resolve({ exitCode: exitCodeOf(code, signal), signal, stdout, stderr });
        });
      });
    },
  };
}
