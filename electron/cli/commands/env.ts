import { parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { ExitCode, usageError } from '../exit-codes.js';
import type { Io } from '../io.js';
import type { ConnectionTarget } from '../../core/launch/connection.js';

const help: CommandHelp = {
  usage: 'pgentra env NAME [--shell sh|powershell|cmd]',
  summary:
    'Prints libpq environment variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGSSLMODE, PGSSLROOTCERT when one is used, PGPASSFILE) for a cluster, after ' +
    'making sure its fresh token is in the pgpass file. The token itself is never printed: PGPASSFILE points libpq at it, ' +
    'which is safer than PGPASSWORD (other users can read a process environment on some systems).',
  options: [['--shell SHELL', 'sh (default on macOS/Linux), powershell (default on Windows) or cmd']],
  examples: ['eval "$(pgentra env prod)" && psql', 'pgentra env prod --shell powershell | Invoke-Expression'],
};

/** The variables are for whatever client the user runs; the psql here is the best guess at its libpq. */
async function warnIfLibpqTooOld(target: ConnectionTarget, io: Io): Promise<void> {
  const [{ assertPsqlCanVerify, findPsql }, { createNodeProcesses, nodeFileSystem }, { describeFailure }] =
    await Promise.all([
      import('../../core/launch/psql.js'),
      import('../../core/node-ports.js'),
      import('../../core/errors.js'),
    ]);
  const processes = createNodeProcesses({ env: io.env });
  try {
    const psql = await findPsql({ processes, fs: nodeFileSystem, env: io.env });
    await assertPsqlCanVerify(processes, psql, target);
  } catch (error) {
    // Without a psql here there is nothing to judge by: the variables are still right for libpq ≥ 16.
    const failure = describeFailure(error);
    if (failure.code === 'tls-system-roots')
      io.stderr(`pgentra: warning: ${failure.message}. ${failure.advice}\n`);
  }
}

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, { shell: { type: 'string' } }, help, io, { min: 1, max: 1 });
  if (!parsed) return ExitCode.ok;
  const shell = parsed.values.shell ?? (process.platform === 'win32' ? 'powershell' : 'sh');
  if (shell !== 'sh' && shell !== 'powershell' && shell !== 'cmd')
    throw usageError(`--shell must be sh, powershell or cmd (got "${shell}")`);
  const name = parsed.positionals[0] ?? '';
  const { formatEnvironment } = await import('../../core/launch/connection.js');
  const { forwardFirst, forwardedTarget } = await import('../forwarded.js');
  const target = await forwardFirst(
    io,
    (forwarded) => forwardedTarget(forwarded, name, { ensureToken: true }),
    async () => {
      const core = await openCore(io);
      const local = await core.connectionTarget(name, { ensureToken: true });
      const { warning } = core.tlsFor(core.cluster(name));
      if (warning) io.stderr(`pgentra: warning: ${warning}.\n`);
      return local;
    },
  );
  if (target.sslrootcert === 'system') await warnIfLibpqTooOld(target, io);
  io.stdout(formatEnvironment(target, shell) + '\n');
  return ExitCode.ok;
}
