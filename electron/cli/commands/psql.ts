// `pgentra psql NAME [-- psql args]`: psql signed in, in this terminal. The token reaches psql
// only through the pgpass file (`passfile=` in the conninfo), never through argv or PGPASSWORD.
import os from 'node:os';
import type { ConnectionTarget } from '../../core/launch/connection.js';
import type { FileSystem, Processes } from '../../core/ports.js';
import { parseCommand, type CommandHelp } from '../args.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra psql NAME [--new-window [--terminal NAME]…] [-- PSQL_ARGS…]',
  summary:
    'Starts psql connected to a cluster, after making sure its fresh token is in the pgpass file. psql reads the token ' +
    'from that file (`passfile=` in the connection string), so it never appears in the process list or environment. ' +
    "Everything after `--` goes to psql; psql's exit code is pgentra's. Switching databases inside psql with " +
    '`\\c otherdb` reads the pgpass file again, so it gets the token pgentra keeps fresh there.',
  options: [
    ['--new-window', 'open psql in a new terminal window instead of this one'],
    [
      '--terminal NAME',
      'with --new-window: the terminal to use (repeat for a fallback order; default: the terminal setting), e.g. xterm, iTerm, wt',
    ],
  ],
  examples: [
    'pgentra psql prod',
    'pgentra psql prod -- -c "select now()"',
    'pgentra psql prod -- -f migrate.sql -v ON_ERROR_STOP=1',
    'pgentra psql prod --new-window',
  ],
};

/** What the command needs from the outside; tests pass fakes. */
export interface PsqlCommandDeps {
  connectionTarget(name: string): Promise<ConnectionTarget>;
  processes: Processes;
  fs: FileSystem;
  /** The terminal setting (ordered names), used when --terminal is not given. */
  terminal?: readonly string[];
}

async function defaultDeps(io: Io): Promise<PsqlCommandDeps> {
  const [
    { openCore },
    { createNodeProcesses, nodeFileSystem },
    { forwardedFor, forwardFirst, forwardedTarget },
  ] = await Promise.all([
    import('../core-loader.js'),
    import('../../core/node-ports.js'),
    import('../forwarded.js'),
  ]);
  if (forwardedFor(io))
    return {
      connectionTarget: (name) =>
        forwardFirst(
          io,
          (forwarded) => forwardedTarget(forwarded, name, { ensureToken: true }),
          async () => (await openCore(io)).connectionTarget(name, { ensureToken: true }),
        ),
      processes: createNodeProcesses({ env: io.env }),
      fs: nodeFileSystem,
    };
  const core = await openCore(io);
  return {
    connectionTarget: (name) => core.connectionTarget(name, { ensureToken: true }),
    processes: createNodeProcesses({ env: io.env }),
    fs: nodeFileSystem,
    terminal: core.settings.terminal,
  };
}

export async function run(argv: string[], io: Io, deps?: PsqlCommandDeps): Promise<number> {
  // Everything after `--` is psql's, even `--help`.
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const psqlArgs = split === -1 ? [] : argv.slice(split + 1);
  const parsed = parseCommand(
    own,
    { 'new-window': { type: 'boolean' }, terminal: { type: 'string', multiple: true } },
    help,
    io,
    { min: 1, max: 1 },
  );
  if (!parsed) return ExitCode.ok;
  const name = parsed.positionals[0] ?? '';
  const { LaunchError } = await import('../../core/launch/errors.js');
  const { openPsqlWindow, runPsql } = await import('../../core/launch/psql.js');
  const used = deps ?? (await defaultDeps(io));
  const target = await used.connectionTarget(name);
  try {
    if (parsed.values['new-window']) {
      const opened = await openPsqlWindow(
        { processes: used.processes, fs: used.fs, env: io.env, tmpdir: os.tmpdir() },
        target,
        { title: `psql ${name}`, extraArgs: psqlArgs, terminal: parsed.values.terminal ?? used.terminal },
      );
      io.stderr(`Opened psql for ${name} in ${opened.terminal}.\n`);
      return ExitCode.ok;
    }
    return await runPsql({ ...used, env: io.env }, target, { extraArgs: psqlArgs });
  } catch (error) {
    if (error instanceof LaunchError) throw new CliError(ExitCode.config, error.message, error.hint);
    throw error;
  }
}
