// psql, signed in: the conninfo carries `passfile=` (the pgpass file pgentra keeps fresh), so the
// token is never in psql's argv or environment, where `ps` and /proc/<pid>/environ could read it.
// Runs in the current terminal (`pgentra psql`) or in a new window (the tray's "Open psql").
import path from 'node:path';
import { conninfo, type ConnectionTarget } from './connection.js';
import { LaunchError } from './errors.js';
import { PgentraError } from '../errors.js';
import { applyEnv, openInTerminal, type TerminalDeps } from './terminal.js';
import type { TerminalProgram } from './terminals/common.js';
import type { FileSystem, Processes } from '../ports.js';
import { withShortFilePaths } from './short-path.js';

export type PsqlInvocation = TerminalProgram;

/**
 * libpq prefers PGPASSWORD and a service file's password over the passfile, so a stale one left
 * in the user's environment would be sent instead of the fresh token: psql gets neither.
 */
const CLEARED_ENV = { PGPASSWORD: undefined, PGSERVICE: undefined } as const;

/**
 * The psql command for a target. The conninfo goes in `--dbname` rather than as a positional
 * argument: psql's own getopt before PostgreSQL 16 (Windows builds) stops at the first
 * positional, so options after it (`-c …`) would be ignored there.
 */
export function psqlInvocation(target: ConnectionTarget, extraArgs: readonly string[] = []): PsqlInvocation {
  const invocation = {
    command: 'psql',
    args: ['--dbname', conninfo(target), ...extraArgs],
    env: { ...CLEARED_ENV },
  };
  assertNoSecret(invocation);
  return invocation;
}

// An Entra access token is a JWT: base64url header starting `eyJ`, three dot-separated parts.
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;

/** Refuses a token (or any password) headed for argv or the environment, where other processes can read it. */
export function assertNoSecret(invocation: TerminalProgram): void {
  const values = [
    invocation.command,
    ...invocation.args,
    ...Object.values(invocation.env).filter((v): v is string => v !== undefined),
  ];
  if (values.some((value) => JWT.test(value))) {
    throw new LaunchError(
      'secret-in-argv',
      'refusing to put an access token on the psql command line or in its environment',
      'psql reads the token from the pgpass file; do not pass it yourself.',
    );
  }
  if (invocation.env.PGPASSWORD !== undefined) {
    throw new LaunchError(
      'secret-in-argv',
      'refusing to pass a password to psql in PGPASSWORD',
      'psql reads the token from the pgpass file.',
    );
  }
}

/** What to install, per OS, when psql is missing. */
export function psqlInstallHint(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'Install the PostgreSQL client: `brew install libpq` (then `brew link --force libpq`), or Postgres.app.';
    case 'win32':
      return 'Install the PostgreSQL "Command Line Tools" (EDB installer from postgresql.org/download/windows) and add its bin folder to PATH.';
    default:
      return 'Install the PostgreSQL client: `sudo apt install postgresql-client` (Debian/Ubuntu) or `sudo dnf install postgresql` (Fedora).';
  }
}

/** Where psql usually lives when it is not on PATH (Windows installers and Homebrew's keg-only libpq never add it). */
export function psqlSearchRoots(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): { fixed: string[]; versioned: { root: string; bin: (version: string) => string }[] } {
  if (platform === 'win32') {
    const programFiles = [env.ProgramFiles, env['ProgramFiles(x86)'], env.ProgramW6432].filter(
      (dir): dir is string => Boolean(dir),
    );
    return {
      fixed: [],
      versioned: [...new Set(programFiles)].map((dir) => ({
        root: path.win32.join(dir, 'PostgreSQL'),
        bin: (version) => path.win32.join(dir, 'PostgreSQL', version, 'bin', 'psql.exe'),
      })),
    };
  }
  if (platform === 'darwin') {
    return {
      fixed: [
        '/opt/homebrew/opt/libpq/bin/psql',
        '/usr/local/opt/libpq/bin/psql',
        '/opt/homebrew/bin/psql',
        '/usr/local/bin/psql',
        '/Applications/Postgres.app/Contents/Versions/latest/bin/psql',
      ],
      versioned: [],
    };
  }
  return {
    fixed: ['/usr/bin/psql', '/usr/local/bin/psql'],
    versioned: [
      {
        root: '/usr/lib/postgresql',
        bin: (version) => path.posix.join('/usr/lib/postgresql', version, 'bin', 'psql'),
      },
    ],
  };
}

export interface PsqlDeps {
  processes: Processes;
  fs: FileSystem;
  env: NodeJS.ProcessEnv;
}

const newestFirst = (versions: string[]) =>
  versions
    .filter((version) => /^\d+(\.\d+)?$/.test(version))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));

/** The absolute path of psql: the configured one, else PATH, else the usual install locations. */
export async function findPsql(deps: PsqlDeps, configured?: string | null): Promise<string> {
  const platform = deps.processes.platform;
  const isFile = async (candidate: string) =>
    Boolean((await deps.fs.lstat(candidate).catch(() => null))?.isFile);
  if (configured) {
    const resolved = await deps.processes.which(configured);
    if (resolved) return resolved;
    throw new LaunchError(
      'psql-missing',
      `psql was not found at ${configured}`,
      "Fix the psql path in pgentra's settings, or clear it to search PATH.",
    );
  }
  const onPath = await deps.processes.which(platform === 'win32' ? 'psql.exe' : 'psql');
  if (onPath) return onPath;
  const roots = psqlSearchRoots(platform, deps.env);
  for (const candidate of roots.fixed) {
    if (await isFile(candidate)) return candidate;
  }
  for (const { root, bin } of roots.versioned) {
    for (const version of newestFirst(await deps.fs.readdir(root).catch(() => [] as string[]))) {
      if (await isFile(bin(version))) return bin(version);
    }
  }
  throw new LaunchError(
    'psql-missing',
    'psql (the PostgreSQL command-line client) was not found on PATH or in the usual places',
    psqlInstallHint(platform),
  );
}

/**
 * libpq 16 added `sslrootcert=system` (the OS store); older libpq looks for a file named "system"
 * and fails with "could not read root certificate file". Say so before starting psql.
 */
export async function assertPsqlCanVerify(
  processes: Processes,
  psql: string,
  target: ConnectionTarget,
): Promise<void> {
  if (target.sslrootcert !== 'system') return;
  const result = await processes.run({ command: psql, args: ['--version'], stdio: 'pipe' }).catch(() => null);
  const version = /\(PostgreSQL\)\s+(\d+)[^\s]*/.exec(result?.stdout ?? '');
  if (version && Number(version[1]) >= 16) return;
  throw new PgentraError(
    'tls-system-roots',
    `sslrootcert=system (from PGSSLROOTCERT or the cluster's --sslrootcert) needs psql/libpq 16 or newer, ` +
      `but ${psql} is ${version ? `version ${version[0].split(/\s+/).pop()}` : 'of an unknown version'}: ` +
      'its libpq would look for a file named "system"',
  );
}

/**
 * Runs psql in the current terminal (stdin/stdout/stderr inherited) and returns its exit code,
 * 128+signal when a signal ended it, so scripts see what psql said.
 */
export async function runPsql(
  deps: PsqlDeps,
  target: ConnectionTarget,
  options: { extraArgs?: readonly string[]; psqlPath?: string | null } = {},
): Promise<number> {
  const invocation = psqlInvocation(
    await withShortFilePaths(deps.processes, deps.env, target),
    options.extraArgs,
  );
  const command = await findPsql(deps, options.psqlPath);
  await assertPsqlCanVerify(deps.processes, command, target);
  const result = await deps.processes.run({
    command,
    args: invocation.args,
    env: applyEnv(deps.env, invocation.env),
    stdio: 'inherit',
  });
  return result.exitCode ?? 1;
}

/** Opens psql for a target in a new terminal window (the tray's "Open psql"). */
export async function openPsqlWindow(
  deps: TerminalDeps,
  target: ConnectionTarget,
  options: {
    title: string;
    extraArgs?: readonly string[];
    psqlPath?: string | null;
    terminal?: readonly string[];
  },
): Promise<{ terminal: string; psql: string }> {
  const invocation = psqlInvocation(
    await withShortFilePaths(deps.processes, deps.env, target),
    options.extraArgs,
  );
  const command = await findPsql(deps, options.psqlPath);
  await assertPsqlCanVerify(deps.processes, command, target);
  const opened = await openInTerminal(
    deps,
    { ...invocation, command },
    { title: options.title, preference: options.terminal },
  );
  return { ...opened, psql: command };
}
