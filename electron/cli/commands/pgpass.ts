import { parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { EXIT_CODE_BY_CATEGORY, ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';
import type { Forwarded } from '../forwarded.js';
import { describeFailure } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import { managedFileVerb, pathOrClean } from '../managed-file-verbs.js';

const help: CommandHelp = {
  usage: 'pgentra pgpass sync [--watch] | pgentra pgpass clean | pgentra pgpass path',
  summary:
    'pgentra keeps one block of lines in your pgpass file (first in the file, so libpq finds them first) and never touches ' +
    'any other line. `sync` writes a fresh token for every cluster; with --watch it keeps doing so until you stop it ' +
    "(`pgentra agent` does the same and also serves `pgentra token`). `clean` removes pgentra's block. The file is " +
    'written atomically with mode 0600; its location is the "pgpass.path" setting, else PGPASSFILE, else ~/.pgpass ' +
    '(%APPDATA%\\postgresql\\pgpass.conf on Windows).',
  options: [['--watch', 'keep the file fresh until interrupted']],
  examples: ['pgentra pgpass sync', 'pgentra pgpass sync --watch', 'pgentra pgpass clean'],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const [given, ...rest] = argv;
  const verb = managedFileVerb('pgpass', given, help, io);
  if (typeof verb === 'number') return verb;
  const parsed = parseCommand(rest, verb === 'sync' ? { watch: { type: 'boolean' } } : {}, help, io);
  if (!parsed) return ExitCode.ok;
  if (verb === 'sync' && !parsed.values.watch) {
    const { forwardFirst } = await import('../forwarded.js');
    return forwardFirst(
      io,
      (forwarded) => syncThroughForward(forwarded, io),
      () => syncHere(io),
    );
  }
  const core = await openCore(io);
  if (verb !== 'sync')
    return pathOrClean(verb, { path: core.pgpassPath, clean: core.cleanPgpass, ours: 'lines' }, io);
  const { runBackground } = await import('../background.js');
  return runBackground(core, io, { serveAgent: false });
}

async function syncHere(io: Io): Promise<number> {
  const core = await openCore(io);
  const report = await core.syncPgpass({ userAction: true });
  const count = `${report.written} cluster${report.written === 1 ? '' : 's'}`;
  io.stderr(
    report.written === 0 && report.problems.length > 0
      ? `No token written to ${report.path}: every cluster failed.\n`
      : `${report.changed ? 'Updated' : 'Already up to date:'} ${report.path} (${count}).\n`,
  );
  for (const problem of report.problems) io.stderr(`  ${problem.cluster}: ${problem.message}\n`);
  const last = report.problems.at(-1);
  return last ? EXIT_CODE_BY_CATEGORY[last.failure.category] : ExitCode.ok;
}

/** Every cluster the forward allows, its token from the desktop, into this machine's pgpass file. */
async function syncThroughForward({ client, files }: Forwarded, io: Io): Promise<number> {
  const { label, clusters } = await client.clusters();
  const tokens = [];
  let exit: number = ExitCode.ok;
  for (const cluster of clusters) {
    try {
      tokens.push({ cluster, ...(await client.token(cluster.name)) });
    } catch (error) {
      const failure = describeFailure(error);
      io.stderr(`  ${cluster.name}: ${failure.message} ${failure.advice}\n`);
      exit = EXIT_CODE_BY_CATEGORY[failure.category];
    }
  }
  const { changed } = await files.writeTokens(tokens);
  io.stderr(
    `${changed ? 'Updated' : 'Already up to date:'} ${files.pgpassPath()} (${tokens.length} cluster(s) from the forward "${printable(label)}"; they stay until the tokens expire: \`pgentra agent --from-forward\` keeps them fresh and removes them when the forward ends).\n`,
  );
  return exit;
}
