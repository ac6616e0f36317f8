// pgAdmin 4, signed in: a servers.json whose servers get their password from `pgentra token`
// (PasswordExecCommand), imported with pgAdmin's own `setup.py load-servers`, then pgAdmin is
// started. The format and behaviour below follow pgadmin-org/pgadmin4 (read at bc58657, 9.x):
// web/setup.py (load_servers, dump_servers), web/pgadmin/utils/__init__.py (validate_json_data,
// load_database_servers, clear_database_servers), web/pgadmin/utils/passexec.py,
// web/config.py (SERVER_MODE, DATA_DIR) and docs/en_US/import_export_servers.rst.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { resolveConfigDir } from '../config-dir.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { ConnectionTarget } from './connection.js';
import { LaunchError } from './errors.js';
import { assertEnvName, cmdQuotedPath, shQuote, shWord } from './quoting.js';
import type { FileSystem, Processes, SpawnRequest } from '../ports.js';

export const PGENTRA_GROUP = 'pgentra';

/** Cluster names are shell-safe by construction (the same rule as the IPC contract's clusterNameSchema). */
const CLUSTER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

// ---- servers.json --------------------------------------------------------------------------
/**
 * pgAdmin runs `pgentra token` with pgAdmin's environment, not ours: unless pgentra uses the
 * default config dir (what a bare environment resolves to), the command must name it.
 */
export function pgentraCommandEnv(
  configDir: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  homedir: string,
): Record<string, string> | undefined {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const bare = resolveConfigDir({ APPDATA: env.APPDATA }, platform, homedir);
  return paths.resolve(configDir) === paths.resolve(bare) ? undefined : { PGENTRA_HOME: configDir };
}

/** One server as pgAdmin's import reads it (keys are pgAdmin's; see validate_json_data). */
export interface PgadminServer {
  Name: string;
  Group: string;
  Host: string;
  Port: number;
  MaintenanceDB: string;
  Username: string;
  /** Listed as required by import_export_servers.rst; ignored by the loader when ConnectionParameters is present. */
  SSLMode: string;
  /** libpq parameters (pgAdmin ≥ 6.20). In desktop mode there is no passfile: with one, pgAdmin ignores PasswordExecCommand. */
  ConnectionParameters: Record<string, string | number>;
  Comment: string;
  PasswordExecCommand?: string;
  PasswordExecExpiration?: number;
}

export interface ServersJson {
  Servers: Record<string, PgadminServer>;
}

export interface PgadminCluster {
  name: string;
  target: ConnectionTarget;
}

export interface ServersJsonOptions {
  /** Absolute path(s) that start pgentra: `[node, …/pgentra.cjs]` or `[the packaged binary]`. */
  pgentraCommand: readonly string[];
  /** What `pgentra token --min-valid` asks for; pgAdmin keeps a token at most 60 s less than this. */
  minValidSec: number;
  /** The OS pgAdmin runs on: its passexec uses /bin/sh there, cmd.exe on Windows. */
  platform: NodeJS.Platform;
  /** Variables the token command needs pinned, e.g. PGENTRA_HOME when it is not the default. */
  commandEnv?: Readonly<Record<string, string>>;
  /**
   * `server`: pgAdmin in server mode ignores PasswordExecCommand (unless its admin enabled
   * ENABLE_SERVER_PASS_EXEC_CMD), so the servers read the pgpass file pgentra keeps fresh instead.
   */
  mode?: 'desktop' | 'server';
  /** Server mode: the pgpass file as pgAdmin sees it (server mode resolves it in the user's storage directory). */
  passfile?: string;
  group?: string;
}

export const MIN_VALID_RANGE_SEC = { min: 120, max: 45 * 60 } as const;

/**
 * pgAdmin re-runs the command only after PasswordExecExpiration seconds; until then it reuses the
 * token for every new connection. The token had at least minValid left when printed, so a 60 s
 * shorter cache can never hand libpq an expired token, even with a slow connect.
 */
export function passwordExecExpiration(minValidSec: number): number {
  if (
    !Number.isInteger(minValidSec) ||
    minValidSec < MIN_VALID_RANGE_SEC.min ||
    minValidSec > MIN_VALID_RANGE_SEC.max
  ) {
    // Above 45 min a fresh token (Entra issues 60–90 min) might not last the whole cache period.
    throw new LaunchError(
      'unsafe-value',
      `the minimum validity for pgAdmin must be between 2 and 45 minutes (got ${minValidSec} s)`,
    );
  }
  return minValidSec - 60;
}

function formatMinValid(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

const PLACEHOLDERS = /%(HOSTNAME|PORT|USERNAME)%/;

/**
 * The exact PasswordExecCommand: absolute paths quoted for the shell pgAdmin's passexec uses
 * (`subprocess.run(cmd, shell=True)`: `/bin/sh -c` on POSIX, `cmd.exe /c "…"` on Windows). The
 * cluster is named by its id, never by pgAdmin's %USERNAME%/%HOSTNAME% placeholders: a user name
 * with spaces or quotes would break the command or inject into it.
 */
export function passwordExecCommand(options: {
  pgentraCommand: readonly string[];
  cluster: string;
  minValidSec: number;
  platform: NodeJS.Platform;
  commandEnv?: Readonly<Record<string, string>>;
}): string {
  const { pgentraCommand, cluster, platform } = options;
  if (!CLUSTER_NAME.test(cluster))
    throw new LaunchError('unsafe-value', `"${cluster}" is not a valid cluster name`);
  const paths = platform === 'win32' ? path.win32 : path.posix;
  if (pgentraCommand.length === 0 || !pgentraCommand.every((part) => paths.isAbsolute(part))) {
    throw new LaunchError(
      'unsafe-value',
      `the pgentra command for pgAdmin must be absolute paths (got ${JSON.stringify(pgentraCommand)})`,
    );
  }
  const rest = ['token', cluster, '--min-valid', formatMinValid(options.minValidSec)];
  const env = Object.entries(options.commandEnv ?? {});
  for (const [name] of env) assertEnvName(name);
  let command: string;
  if (platform === 'win32') {
    // Python runs `cmd.exe /c "<command>"`; with more than two quotes cmd strips just the outer pair.
    const sets = env.map(([name, value]) => `set ${cmdQuotedPath(`${name}=${value}`, name)}&& `).join('');
    command =
      sets + [...pgentraCommand.map((part) => cmdQuotedPath(part, 'the pgentra path')), ...rest].join(' ');
  } else {
    const assignments = env.map(([name, value]) => `${name}=${shQuote(value)} `).join('');
    command = assignments + [...pgentraCommand.map(shQuote), ...rest.map(shWord)].join(' ');
  }
  // passexec.py substitutes these before running the command; a path containing one would be rewritten.
  if (PLACEHOLDERS.test(command)) {
    throw new LaunchError(
      'unsafe-value',
      'the pgentra path contains %HOSTNAME%, %PORT% or %USERNAME%, which pgAdmin would replace',
      'Install pgentra in another folder.',
    );
  }
  return command;
}

export function serverEntry(cluster: PgadminCluster, options: ServersJsonOptions): PgadminServer {
  const { target } = cluster;
  const mode = options.mode ?? 'desktop';
  const parameters: Record<string, string | number> = { sslmode: target.sslmode, connect_timeout: 10 };
  if (target.sslrootcert) parameters.sslrootcert = target.sslrootcert;
  const entry: PgadminServer = {
    Name: cluster.name,
    Group: options.group ?? PGENTRA_GROUP,
    Host: target.host,
    Port: target.port,
    MaintenanceDB: target.database,
    Username: target.user,
    SSLMode: target.sslmode,
    ConnectionParameters: parameters,
    Comment: '',
  };
  if (mode === 'server') {
    parameters.passfile = options.passfile ?? target.passfile;
    entry.Comment = `Managed by pgentra. The password is the Entra ID token pgentra keeps fresh in ${parameters.passfile}.`;
    return entry;
  }
  entry.PasswordExecCommand = passwordExecCommand({ ...options, cluster: cluster.name });
  entry.PasswordExecExpiration = passwordExecExpiration(options.minValidSec);
  entry.Comment = `Managed by pgentra. The password is a fresh Entra ID token from \`pgentra token ${cluster.name}\`.`;
  return entry;
}

/** pgAdmin's servers.json for the given clusters, numbered from "1" as pgAdmin's own export does. */
export function serversJson(clusters: readonly PgadminCluster[], options: ServersJsonOptions): ServersJson {
  const names = new Set<string>();
  const Servers: Record<string, PgadminServer> = {};
  clusters.forEach((cluster, index) => {
    if (names.has(cluster.name))
      throw new LaunchError('unsafe-value', `cluster "${cluster.name}" is listed twice`);
    names.add(cluster.name);
    Servers[String(index + 1)] = serverEntry(cluster, options);
  });
  return { Servers };
}

// ---- finding pgAdmin -----------------------------------------------------------------------

export interface PgadminInstall {
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
      root,
      python: join(root, 'python', 'python.exe'),
      setupPy: join(root, 'web', 'setup.py'),
      launch: { command: join(root, 'runtime', 'pgAdmin4.exe'), args: [], detached: true, stdio: 'ignore' },
    };
  }
  if (platform === 'darwin') {
    const join = path.posix.join;
    return {
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

async function isFile(fs: FileSystem, file: string): Promise<boolean> {
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

// ---- importing -----------------------------------------------------------------------------

/**
 * setup.py takes SERVER_MODE from its globals "if it's been set by the runtime"; run as a plain
 * script it falls back to config.py's default, server mode, where load-servers silently DROPS
 * PasswordExecCommand and DATA_DIR is /var/lib/pgadmin. runpy sets the global the way pgAdmin's
 * own runtime used to. Arguments travel in sys.argv: nothing is interpolated into this code.
 */
export const DESKTOP_BOOTSTRAP =
  "import runpy, sys; setup = sys.argv[1]; sys.argv = [setup] + sys.argv[2:]; runpy.run_path(setup, init_globals={'SERVER_MODE': False}, run_name='__main__')";

/** pgAdmin ≥ 8.2 uses typer subcommands (`load-servers FILE`); older ones argparse flags (`--load-servers FILE`). */
export type SetupPyStyle = 'typer' | 'argparse';

export function setupPyCommand(
  install: PgadminInstall,
  style: SetupPyStyle,
  command: 'load-servers' | 'dump-servers',
  file: string,
  options: { sqlitePath: string; user?: string },
): SpawnRequest {
  // Never `--replace`: clear_database_servers deletes ALL of the user's servers and groups.
  const args = [
    style === 'typer' ? command : `--${command}`,
    file,
    '--sqlite-path',
    options.sqlitePath,
    ...(options.user ? ['--user', options.user] : []),
  ];
  return {
    command: install.python,
    args: ['-s', '-c', DESKTOP_BOOTSTRAP, install.setupPy, ...args],
    stdio: 'pipe',
  };
}

// What dump-servers writes (dump_database_servers): only the keys we compare are checked.
const dumpSchema = z.object({
  Servers: z.record(
    z.string(),
    z
      .object({
        Name: z.string(),
        Group: z.string(),
        Host: z.string().optional(),
        Port: z.number().int().optional(),
        MaintenanceDB: z.string().optional(),
        Username: z.string().optional(),
        PasswordExecCommand: z.string().optional(),
        PasswordExecExpiration: z.number().int().optional(),
        ConnectionParameters: z.record(z.string(), z.unknown()).optional(),
      })
      .passthrough(),
  ),
});
type DumpedServer = z.infer<typeof dumpSchema>['Servers'][string];

function fingerprint(server: DumpedServer | PgadminServer): string {
  const parameters = server.ConnectionParameters ?? {};
  return JSON.stringify([
    server.Host ?? null,
    server.Port ?? null,
    server.MaintenanceDB ?? null,
    server.Username ?? null,
    server.PasswordExecCommand ?? null,
    server.PasswordExecExpiration ?? null,
    parameters.sslmode ?? null,
    parameters.sslrootcert ?? null,
    parameters.passfile ?? null,
  ]);
}

export interface ImportReport {
  /** Imported now. */
  added: string[];
  /** Already in pgAdmin's pgentra group, identical. */
  unchanged: string[];
  /** In pgAdmin's pgentra group with other settings: left alone (see {@link planImport}). */
  changed: string[];
}

/**
 * Which servers to import. load-servers only ever appends (duplicates pile up) and its --replace
 * deletes every server the user has, so pgentra imports only the servers its group does not hold
 * yet, compared by name, and leaves the user's own servers, and its own changed ones, untouched.
 */
export function planImport(
  wanted: ServersJson,
  dumped: unknown,
  group: string = PGENTRA_GROUP,
): ImportReport & { toImport: ServersJson } {
  const existing = new Map<string, DumpedServer>();
  for (const server of Object.values(dumpSchema.parse(dumped).Servers)) {
    if (server.Group === group && !existing.has(server.Name)) existing.set(server.Name, server);
  }
  const report: ImportReport & { toImport: ServersJson } = {
    added: [],
    unchanged: [],
    changed: [],
    toImport: { Servers: {} },
  };
  for (const server of Object.values(wanted.Servers)) {
    const known = existing.get(server.Name);
    if (!known) {
      report.added.push(server.Name);
      report.toImport.Servers[String(report.added.length)] = server;
    } else if (fingerprint(known) === fingerprint(server)) {
      report.unchanged.push(server.Name);
    } else {
      report.changed.push(server.Name);
    }
  }
  return report;
}

function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Writes servers.json (0600, atomically; a symlink in its place is refused), creating 0700 parents. */
export async function writeServersFile(fs: FileSystem, file: string, json: ServersJson): Promise<void> {
  await fs.mkdir(path.dirname(file), 0o700);
  await writeFileAtomic(fs, file, Buffer.from(JSON.stringify(json, null, 2) + '\n', 'utf8'), { mode: 0o600 });
}

const defaultRandomId = () => randomBytes(8).toString('hex');

/**
 * Imports the servers pgAdmin does not have yet (dump-servers, compare, load-servers of the
 * missing ones). `workDir` is private to pgentra; the dump (the user's server list, no passwords)
 * is deleted afterwards.
 */
export async function importServers(
  deps: PgadminDeps,
  install: PgadminInstall,
  wanted: ServersJson,
  options: { workDir: string; sqlitePath: string; user?: string },
): Promise<ImportReport> {
  if (!(await isFile(deps.fs, options.sqlitePath))) {
    throw new LaunchError(
      'pgadmin-failed',
      `pgAdmin has no settings database at ${options.sqlitePath} yet`,
      'Start pgAdmin once (it creates it), close it, then run this again.',
    );
  }
  const style: SetupPyStyle = /^\s*import typer\b/m.test(
    (await deps.fs.readFile(install.setupPy)).toString('utf8'),
  )
    ? 'typer'
    : 'argparse';
  const id = (deps.randomId ?? defaultRandomId)();
  await deps.fs.mkdir(options.workDir, 0o700);
  const dumpFile = path.join(options.workDir, `pgadmin-dump-${id}.json`);
  const loadFile = path.join(options.workDir, `pgadmin-import-${id}.json`);
  try {
    const dump = await deps.processes.run(setupPyCommand(install, style, 'dump-servers', dumpFile, options));
    const dumped = await deps.fs.readFile(dumpFile).catch(() => null);
    // setup.py prints some failures and still exits 0, so the file is the proof it worked.
    if (dump.exitCode !== 0 || !dumped) {
      throw new LaunchError(
        'pgadmin-failed',
        `pgAdmin's setup.py dump-servers failed (exit ${dump.exitCode ?? dump.signal}):\n${tail(dump.stdout + dump.stderr)}`,
      );
    }
    let parsedDump: unknown;
    try {
      parsedDump = JSON.parse(dumped.toString('utf8'));
    } catch {
      throw new LaunchError(
        'pgadmin-failed',
        `pgAdmin's setup.py dump-servers wrote something that is not JSON to ${dumpFile}`,
      );
    }
    const plan = planImport(wanted, parsedDump, Object.values(wanted.Servers)[0]?.Group);
    if (plan.added.length > 0) {
      await deps.fs.writeNewFile(
        loadFile,
        Buffer.from(JSON.stringify(plan.toImport, null, 2) + '\n', 'utf8'),
        0o600,
      );
      const load = await deps.processes.run(
        setupPyCommand(install, style, 'load-servers', loadFile, options),
      );
      const added = /Added \d+ Server Group\(s\) and (\d+) Server\(s\)/.exec(load.stdout);
      if (load.exitCode !== 0 || Number(added?.[1]) !== plan.added.length) {
        throw new LaunchError(
          'pgadmin-failed',
          `pgAdmin's setup.py load-servers failed (exit ${load.exitCode ?? load.signal}):\n${tail(load.stdout + load.stderr)}`,
        );
      }
    }
    return { added: plan.added, unchanged: plan.unchanged, changed: plan.changed };
  } finally {
    await deps.fs.unlink(dumpFile).catch(() => undefined);
    await deps.fs.unlink(loadFile).catch(() => undefined);
  }
}

/** Exact steps to import the file by hand (import_export_servers.rst, "Using pgAdmin 4 GUI"). */
export function manualImportInstructions(file: string): string {
  return [
    `To add the servers to pgAdmin by hand: open pgAdmin 4, choose Tools → Import/Export Servers…, select Import,`,
    `choose ${file}, leave "Remove all the existing servers?" OFF, select the servers, then Finish.`,
    `Import each server only once: pgAdmin adds a second copy if you import it again.`,
  ].join('\n');
}

export interface PgadminSetupResult {
  file: string;
  install: PgadminInstall | null;
  report: ImportReport | null;
  launched: boolean;
  /** What happened, for a person (the tray shows it; the CLI prints it). */
  message: string;
}

/**
 * The whole "Open pgAdmin" action: write servers.json, import what is missing, start pgAdmin.
 * Without pgAdmin it still writes the file and explains the manual import.
 */
export async function setUpPgadmin(
  deps: PgadminDeps,
  json: ServersJson,
  options: { file: string; workDir: string; pgadminPath?: string | null; user?: string; launch: boolean },
): Promise<PgadminSetupResult> {
  await writeServersFile(deps.fs, options.file, json);
  const install = await findPgadmin(deps, options.pgadminPath);
  const names = Object.values(json.Servers).map((server) => server.Name);
  if (!install) {
    const looked = pgadminRoots(deps.processes.platform, deps.env, deps.homedir).join(', ');
    return {
      file: options.file,
      install: null,
      report: null,
      launched: false,
      message: [
        `pgAdmin 4 was not found (looked in ${looked}). Wrote ${names.length} server(s) to ${options.file}.`,
        manualImportInstructions(options.file),
        "Or set pgAdmin's install folder in pgentra (the pgAdmin path setting, or --pgadmin-dir) and run this again.",
      ].join('\n'),
    };
  }
  const { sqlitePath } = pgadminDataDir(deps.processes.platform, deps.env, deps.homedir);
  const report = await importServers(deps, install, json, {
    workDir: options.workDir,
    sqlitePath,
    user: options.user,
  });
  const lines: string[] = [];
  if (report.added.length)
    lines.push(`Added to pgAdmin (group "${PGENTRA_GROUP}"): ${report.added.join(', ')}.`);
  if (report.unchanged.length) lines.push(`Already in pgAdmin: ${report.unchanged.join(', ')}.`);
  if (report.changed.length) {
    lines.push(
      `In pgAdmin with older settings, left as they are: ${report.changed.join(', ')}. pgAdmin's import can only add servers or delete all of them,`,
      `so pgentra never replaces them: delete these in pgAdmin (right-click → Delete) and run this again to add the current ones.`,
    );
  }
  let launched = false;
  if (options.launch) {
    const result = await deps.processes.run(install.launch);
    if (result.exitCode !== null && result.exitCode !== 0) {
      throw new LaunchError(
        'pgadmin-failed',
        `pgAdmin did not start (${install.launch.command} exited with ${result.exitCode})${result.stderr ? `: ${tail(result.stderr, 3)}` : ''}`,
      );
    }
    launched = true;
    lines.push('Started pgAdmin 4. If it was already open, refresh the Servers tree to see new servers.');
  } else if (report.added.length) {
    lines.push('If pgAdmin is open, refresh its Servers tree (or restart it) to see them.');
  }
  return { file: options.file, install, report, launched, message: lines.join('\n') };
}
