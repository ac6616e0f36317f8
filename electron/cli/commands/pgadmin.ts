// `pgentra pgadmin`: pgAdmin 4 servers that sign in with Entra ID. Each server's password comes
// from `pgentra token NAME` (pgAdmin's PasswordExecCommand), so nothing secret is written anywhere.
import os from 'node:os';
import path from 'node:path';
import { resolveConfigDir } from '../../core/config-dir.js';
import type { ConnectionTarget } from '../../core/launch/connection.js';
import type { FileSystem, Processes } from '../../core/ports.js';
import { parseCommand, parseDuration, type CommandHelp } from '../args.js';
import { CliError, ExitCode, toCliError, usageError } from '../exit-codes.js';
import type { Io } from '../io.js';
import { selfCommand } from '../self-command.js';

const help: CommandHelp = {
  usage:
    'pgentra pgadmin NAME…|--all [--launch] [--write FILE] [--min-valid DURATION] [--pgadmin-dir DIR] [--json]',
  summary:
    'Adds clusters to pgAdmin 4 in a server group "pgentra". pgAdmin gets each password by running `pgentra token NAME` ' +
    '(its "password exec command"), so it always connects with a fresh token and never stores one. Uses pgAdmin\'s own ' +
    '`setup.py load-servers`; running it again adds only what is missing and never touches your other servers. Without ' +
    'pgAdmin installed it writes servers.json and tells you how to import it by hand.',
  options: [
    ['--all', 'every saved cluster'],
    ['--launch', 'start pgAdmin afterwards'],
    ['--write FILE', 'only write the servers.json file (import it yourself)'],
    [
      '--min-valid DURATION',
      'token validity pgAdmin asks for, 2m–45m (default 10m); pgAdmin re-asks 1 minute before that',
    ],
    ['--pgadmin-dir DIR', "pgAdmin's install folder, when not in the usual place"],
    ['--server-mode', 'for pgAdmin in server mode: servers read the pgpass file instead (with --write)'],
    ['--passfile PATH', 'with --server-mode: the pgpass file as pgAdmin sees it'],
    ['--user EMAIL', 'the pgAdmin user to import for (server mode; desktop mode needs none)'],
    ['--json', 'print what was done as JSON on stdout'],
  ],
  examples: [
    'pgentra pgadmin prod --launch',
    'pgentra pgadmin --all',
    'pgentra pgadmin prod --write ~/pgentra-servers.json',
  ],
};

/** What the command needs from the outside; tests pass fakes. */
export interface PgadminCommandDeps {
  clusterNames(): string[];
  connectionTarget(name: string, options: { ensureToken: boolean }): Promise<ConnectionTarget>;
  /** Absolute path(s) that start this pgentra, for PasswordExecCommand. */
  pgentraCommand: string[];
  processes: Processes;
  fs: FileSystem;
  homedir: string;
  /** The pgAdmin path setting, used when --pgadmin-dir is not given. */
  pgadminPath?: string;
}

async function defaultDeps(io: Io): Promise<PgadminCommandDeps> {
  const [{ openCore }, { createNodeProcesses, nodeFileSystem }] = await Promise.all([
    import('../core-loader.js'),
    import('../../core/node-ports.js'),
  ]);
  const core = await openCore(io);
  return {
    clusterNames: () => core.clusters().map((cluster) => cluster.name),
    connectionTarget: (name, options) => core.connectionTarget(name, options),
    pgentraCommand: selfCommand({ env: io.env, warn: (text) => io.stderr(`pgentra: warning: ${text}\n`) }),
    processes: createNodeProcesses({ env: io.env }),
    fs: nodeFileSystem,
    homedir: os.homedir(),
    pgadminPath: core.settings.pgadminPath,
  };
}

export async function run(argv: string[], io: Io, deps?: PgadminCommandDeps): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      all: { type: 'boolean' },
      launch: { type: 'boolean' },
      write: { type: 'string' },
      'min-valid': { type: 'string' },
      'pgadmin-dir': { type: 'string' },
      'server-mode': { type: 'boolean' },
      passfile: { type: 'string' },
      user: { type: 'string' },
      json: { type: 'boolean' },
    },
    help,
    io,
    { max: 64 },
  );
  if (!parsed) return ExitCode.ok;
  const { values, positionals } = parsed;
  if (values.all && positionals.length > 0) throw usageError('give cluster NAMEs or --all, not both');
  if (!values.all && positionals.length === 0)
    throw usageError('which clusters? Give their NAMEs or --all', `Usage: ${help.usage}`);
  if (values.write !== undefined && values.launch)
    throw usageError('--write only writes the file; leave out --launch (or --write)');
  if (values.passfile !== undefined && !values['server-mode'])
    throw usageError('--passfile is for --server-mode');
  if (values['server-mode'] && values.launch)
    throw usageError('--server-mode only writes the file (a pgAdmin server is not started from here)');
  const minValidSec =
    values['min-valid'] !== undefined ? parseDuration('min-valid', values['min-valid']) : 600;

  const [
    { pgentraCommandEnv, serversJson },
    { findPgadmin },
    { manualImportInstructions, setUpPgadmin, writeServersFile },
  ] = await Promise.all([
    import('../../core/launch/pgadmin-servers.js'),
    import('../../core/launch/pgadmin-install.js'),
    import('../../core/launch/pgadmin.js'),
  ]);
  const used = deps ?? (await defaultDeps(io));
  const names = values.all ? used.clusterNames() : positionals;
  if (names.length === 0)
    throw new CliError(
      ExitCode.config,
      'there are no clusters yet',
      'Add one with `pgentra cluster add NAME --host HOST`.',
    );
  const serverMode = values['server-mode'] ?? false;

  try {
    // Desktop pgAdmin asks `pgentra token` itself; only server mode reads the pgpass file, which must be fresh now.
    const clusters = [];
    for (const name of names)
      clusters.push({ name, target: await used.connectionTarget(name, { ensureToken: serverMode }) });
    const configDir = resolveConfigDir(io.env);
    const json = serversJson(clusters, {
      pgentraCommand: used.pgentraCommand,
      minValidSec,
      platform: used.processes.platform,
      commandEnv: pgentraCommandEnv(configDir, io.env, used.processes.platform, used.homedir),
      mode: serverMode ? 'server' : 'desktop',
      passfile: values.passfile,
    });
    const pgadminDeps = { processes: used.processes, fs: used.fs, env: io.env, homedir: used.homedir };

    if (values.write !== undefined || serverMode) {
      const file = path.resolve(values.write ?? path.join(configDir, 'pgadmin', 'servers.json'));
      await writeServersFile(used.fs, file, json);
      const setup = serverMode
        ? await findPgadmin(pgadminDeps, values['pgadmin-dir'] ?? used.pgadminPath).catch(() => null)
        : null;
      const admin = setup
        ? `${setup.python} ${setup.setupPy}`
        : '/path/to/pgadmin/python /path/to/pgadmin/web/setup.py';
      const how = serverMode
        ? `An administrator imports them as the pgAdmin service user:\n  ${admin} load-servers ${file} --user ${values.user ?? 'EMAIL'}\n` +
          'Keep the pgpass file fresh where that pgAdmin reads it (`pgentra agent` with "pgpass.path" pointing there).'
        : manualImportInstructions(file);
      io.stderr(`Wrote ${names.length} server(s) to ${file}.\n${how}\n`);
      if (values.json) io.stdout(JSON.stringify({ file, servers: names, imported: false }, null, 2) + '\n');
      return ExitCode.ok;
    }

    const result = await setUpPgadmin(pgadminDeps, json, {
      file: path.join(configDir, 'pgadmin', 'servers.json'),
      workDir: path.join(configDir, 'pgadmin'),
      pgadminPath: values['pgadmin-dir'] ?? used.pgadminPath,
      user: values.user,
      launch: values.launch ?? false,
    });
    io.stderr(`${result.message}\n`);
    if (values.json) {
      io.stdout(
        JSON.stringify(
          {
            file: result.file,
            servers: names,
            imported: Boolean(result.install),
            ...result.report,
            launched: result.launched,
          },
          null,
          2,
        ) + '\n',
      );
    }
    // Without pgAdmin the documented fallback (servers.json and the import steps) is the result
    // asked for; only --launch asked for something that could not happen.
    return result.install || !values.launch ? ExitCode.ok : ExitCode.config;
  } catch (error) {
    throw toCliError(error);
  }
}
