// Adding servers to pgAdmin with its own `setup.py dump-servers` / `load-servers` (pgadmin-org/pgadmin4
// at bc58657: web/setup.py load_servers, dump_servers; web/pgadmin/utils/__init__.py
// load_database_servers, clear_database_servers; web/config.py SERVER_MODE).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { SpawnRequest } from '../ports.js';
import { LaunchError } from './errors.js';
import { isFile, type PgadminDeps, type PgadminInstall } from './pgadmin-install.js';
import { PGENTRA_GROUP, serversJsonText, type PgadminServer, type ServersJson } from './pgadmin-servers.js';

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

/**
 * The environment pgAdmin's own runtime gives its Python (pgadmin-org/pgadmin4 at bc58657,
 * runtime/src/js/pgadmin.js startDesktopMode):
 * - Windows: `<root>\runtime` first on PATH (lines 258-260, `_libpq_path`). That folder holds
 *   libpq.dll and its OpenSSL; psycopg finds libpq with `ctypes.util.find_library("libpq.dll")`,
 *   a PATH search (psycopg/psycopg/pq/misc.py:55), and without it fails with "no pq wrapper
 *   available" (pq/__init__.py:109) or loads whatever other libpq.dll PATH holds.
 * - PYTHONDONTWRITEBYTECODE=1 (line 233, "Prevent Python from writing .pyc files to the signed
 *   bundle"): on macOS a .pyc written into pgAdmin.app breaks its signature, or App Management
 *   blocks the write and warns the user; `-B` says the same on the command line.
 */
export function setupPyEnv(
  install: PgadminInstall,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = { ...env, PYTHONDONTWRITEBYTECODE: '1' };
  if (install.platform === 'win32') {
    // Windows keys are case-insensitive and usually spelt `Path`: change the one that is there.
    const key = Object.keys(result).find((name) => name.toUpperCase() === 'PATH') ?? 'Path';
    const runtime = path.win32.join(install.root, 'runtime');
    result[key] = result[key] ? `${runtime};${result[key]}` : runtime;
  }
  return result;
}

export function setupPyCommand(
  install: PgadminInstall,
  style: SetupPyStyle,
  command: 'load-servers' | 'dump-servers',
  file: string,
  options: { sqlitePath: string; user?: string; env: Readonly<Record<string, string | undefined>> },
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
    // -s as pgAdmin's runtime runs it (pgadmin.js:269: no user site-packages); -B: see setupPyEnv.
    // -X utf8: setup.py opens our files with the default encoding, the ANSI code page on Windows
    // (see serversJsonText); UTF-8 mode (CPython 3.7+) makes it UTF-8 on every OS.
    args: ['-B', '-s', '-X', 'utf8', '-c', DESKTOP_BOOTSTRAP, install.setupPy, ...args],
    env: setupPyEnv(install, options.env),
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
    parameters.hostaddr ?? null,
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

export function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
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
    const dump = await deps.processes.run(
      setupPyCommand(install, style, 'dump-servers', dumpFile, { ...options, env: deps.env }),
    );
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
      await deps.fs.writeNewFile(loadFile, Buffer.from(serversJsonText(plan.toImport), 'utf8'), 0o600);
      const load = await deps.processes.run(
        setupPyCommand(install, style, 'load-servers', loadFile, { ...options, env: deps.env }),
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
