// Finding pgAdmin 4 where its desktop installers put it (pgadmin-org/pgadmin4 at bc58657:
// runtime/src/js/misc.js, pkg/{linux,mac,win32}; web/config.py DATA_DIR, SQLITE_PATH).
import path from 'node:path';
import type { FileSystem, Processes, SpawnRequest } from '../ports.js';
import { LaunchError } from './errors.js';

export interface PgadminInstall {
  platform: NodeJS.Platform;
  root: string;
  /** The Python that runs pgAdmin (its bundled one: it has pgAdmin's packages). */
  python: string;
  setupPy: string;
  /** Starts the desktop app. */
  launch: SpawnRequest;
}

/** Where the desktop installers put things (runtime/src/js/misc.js, pkg/{linux,mac,win32}). */
export function pgadminLayout(platform: NodeJS.Platform, root: string): PgadminInstall {
  if (platform === 'win32') {
    const join = path.win32.join;
    return {
      platform,
      root,
      python: join(root, 'python', 'python.exe'),
      setupPy: join(root, 'web', 'setup.py'),
      launch: { command: join(root, 'runtime', 'pgAdmin4.exe'), args: [], detached: true, stdio: 'ignore' },
    };
  }
  if (platform === 'darwin') {
    const join = path.posix.join;
    return {
      platform,
      root,
      python: join(
        root,
        'Contents',
        'Frameworks',
        'Python.framework',
        'Versions',
        'Current',
        'bin',
        'python3',
      ),
      setupPy: join(root, 'Contents', 'Resources', 'web', 'setup.py'),
      launch: { command: '/usr/bin/open', args: [root], stdio: 'ignore' },
    };
  }
  const join = path.posix.join;
  return {
    platform,
    root,
    python: join(root, 'venv', 'bin', 'python3'),
    setupPy: join(root, 'web', 'setup.py'),
    launch: { command: join(root, 'bin', 'pgadmin4'), args: [], detached: true, stdio: 'ignore' },
  };
}

/** Install roots to try, most likely first. */
export function pgadminRoots(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homedir: string): string[] {
  if (platform === 'win32') {
    const dirs = [
      env.ProgramFiles,
      env.ProgramW6432,
      env.LOCALAPPDATA && path.win32.join(env.LOCALAPPDATA, 'Programs'),
    ].filter((dir): dir is string => Boolean(dir));
    return [...new Set(dirs.length ? dirs : ['C:\\Program Files'])].map((dir) =>
      path.win32.join(dir, 'pgAdmin 4'),
    );
  }
  if (platform === 'darwin')
    return ['/Applications/pgAdmin 4.app', path.posix.join(homedir, 'Applications', 'pgAdmin 4.app')];
  return ['/usr/pgadmin4'];
}

/** pgAdmin's desktop data directory and settings database (config.py DATA_DIR, SQLITE_PATH). */
export function pgadminDataDir(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  homedir: string,
): { dataDir: string; sqlitePath: string } {
  const dataDir =
    platform === 'win32'
      ? path.win32.join(env.APPDATA ?? path.win32.join(homedir, 'AppData', 'Roaming'), 'pgAdmin')
      : path.posix.join(homedir, '.pgadmin');
  return {
    dataDir,
    sqlitePath: (platform === 'win32' ? path.win32 : path.posix).join(dataDir, 'pgadmin4.db'),
  };
}

export interface PgadminDeps {
  processes: Processes;
  fs: FileSystem;
  env: NodeJS.ProcessEnv;
  homedir: string;
  /** For testing: names of work files. */
  randomId?: () => string;
}

export async function isFile(fs: FileSystem, file: string): Promise<boolean> {
  return Boolean((await fs.lstat(file).catch(() => null))?.isFile);
}

async function usableInstall(deps: PgadminDeps, root: string): Promise<PgadminInstall | null> {
  const install = pgadminLayout(deps.processes.platform, root);
  // The venv's python3 is a symlink: which() follows it and checks it can be executed.
  if (!(await isFile(deps.fs, install.setupPy)) || !(await deps.processes.which(install.python))) return null;
  return install;
}

/** The pgAdmin install to use: `configured` (the pgAdmin path setting) or the first usual location that has one. */
export async function findPgadmin(
  deps: PgadminDeps,
  configured?: string | null,
): Promise<PgadminInstall | null> {
  const platform = deps.processes.platform;
  if (configured) {
    const install = await usableInstall(deps, configured);
    if (!install) {
      const layout = pgadminLayout(platform, configured);
      throw new LaunchError(
        'pgadmin-missing',
        `no pgAdmin 4 at ${configured} (expected ${layout.setupPy} and ${layout.python})`,
        "Point the pgAdmin path at pgAdmin's install folder.",
      );
    }
    return install;
  }
  for (const root of pgadminRoots(platform, deps.env, deps.homedir)) {
    const install = await usableInstall(deps, root);
    if (install) return install;
    if (platform === 'win32') {
      // Installers before pgAdmin 7 used a per-major-version folder (pgAdmin 4\v6).
      const versions = (await deps.fs.readdir(root).catch(() => [] as string[])).filter((name) =>
        /^v\d+$/.test(name),
      );
      for (const version of versions.sort((a, b) => Number(b.slice(1)) - Number(a.slice(1)))) {
        const older = await usableInstall(deps, path.win32.join(root, version));
        if (older) return older;
      }
    }
  }
  return null;
}
