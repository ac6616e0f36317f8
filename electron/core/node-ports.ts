import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cmdRunBatchFile, isBatchFile } from './launch/quoting.js';
import type { Clock, FileStat, FileSystem, Processes, SpawnRequest, SpawnResult } from './ports.js';

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

/** The two file checks PATH search makes, so tests can stand in for Windows' file system. */
export interface ExecutableProbe {
  stat(file: string): Promise<{ isFile(): boolean; isSymbolicLink(): boolean }>;
  lstat(file: string): Promise<{ isFile(): boolean; isSymbolicLink(): boolean }>;
  access(file: string, mode: number): Promise<void>;
}

const nodeProbe: ExecutableProbe = { stat: fs.stat, lstat: fs.lstat, access: fs.access };

async function isExecutableFile(
  candidate: string,
  platform: NodeJS.Platform,
  probe: ExecutableProbe,
): Promise<boolean> {
  try {
    const stat = await probe.stat(candidate);
    if (!stat.isFile()) return false;
    if (platform !== 'win32') await probe.access(candidate, constants.X_OK);
    return true;
  } catch (error) {
    // An app execution alias (%LOCALAPPDATA%\Microsoft\WindowsApps\wt.exe) is a reparse point
    // only CreateProcess follows: opening it fails with ERROR_CANT_ACCESS_FILE, which libuv
    // reports as EACCES (src/win/error.c:74, from fs__stat_impl_from_path's CreateFileW without
    // FILE_FLAG_OPEN_REPARSE_POINT), while lstat reads it as a link (src/win/fs.c:306,
    // IO_REPARSE_TAG_APPEXECLINK). It runs: count it as present.
    if (platform !== 'win32' || (error as NodeJS.ErrnoException).code !== 'EACCES') return false;
    return (await probe.lstat(candidate).catch(() => null))?.isSymbolicLink() ?? false;
  }
}

/** Absolute path of `command` on the PATH in `env` (with PATHEXT on Windows), or null. */
export async function findOnPath(
  command: string,
  options: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; probe?: ExecutableProbe },
): Promise<string | null> {
  const { platform, env } = options;
  const probe = options.probe ?? nodeProbe;
  const paths = platform === 'win32' ? path.win32 : path.posix;
  if (paths.isAbsolute(command)) return (await isExecutableFile(command, platform, probe)) ? command : null;
  const dirs = (env.PATH ?? env.Path ?? '').split(paths.delimiter).filter(Boolean);
  const extensions = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';')] : [''];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = paths.join(dir, command + extension);
      if (await isExecutableFile(candidate, platform, probe)) return candidate;
    }
  }
  return null;
}

/** A request for a .cmd/.bat (which Node refuses to spawn) as one for cmd.exe running it. */
export function throughCmdIfBatch(request: SpawnRequest, baseEnv: NodeJS.ProcessEnv): SpawnRequest {
  if (!isBatchFile(request.command)) return request;
  const env = request.env ?? baseEnv;
  return {
    ...request,
    command: env.ComSpec ?? env.COMSPEC ?? 'C:\\Windows\\System32\\cmd.exe',
    args: cmdRunBatchFile(request.command, request.args),
    windowsVerbatimArguments: true,
  };
}

/** The Processes port on child_process; `env` is what children get when a request names none. */
export function createNodeProcesses(
  options: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {},
): Processes {
  const baseEnv = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  return {
    platform,
    which: (command) => findOnPath(command, { platform, env: baseEnv }),
    run(original) {
      const request = platform === 'win32' ? throughCmdIfBatch(original, baseEnv) : original;
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
