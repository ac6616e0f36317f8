// `pgentra config check`: says whether config.json is sound, and for each entry pgentra set aside
// as invalid, the field, what is wrong and the fix. A file that is not JSON at all fails here as
// it does everywhere, with its line and column.
import { formatHelp, parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { ExitCode, usageError } from '../exit-codes.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra config check [--json]',
  summary:
    'Checks config.json (the file you may edit by hand). An invalid cluster or setting is set aside, kept in the file ' +
    'exactly as written, and reported by every command; the rest keeps working. Exit code 0 when every entry is valid, ' +
    '5 when some entry is not (or the file is not JSON). Remove an invalid cluster with `pgentra cluster remove NAME`.',
  options: [
    ['--json', 'machine-readable output on stdout: file, clusters, problems (entry, field, message)'],
  ],
  examples: ['pgentra config check', 'pgentra config check --json | jq .problems'],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '--help' || verb === '-h') {
    io.stdout(formatHelp(help));
    return ExitCode.ok;
  }
  if (verb !== 'check')
    throw usageError(
      verb ? `unknown config command "${verb}" (use check)` : 'missing command',
      `Usage: ${help.usage}`,
    );
  const parsed = parseCommand(rest, { json: { type: 'boolean' } }, help, io);
  if (!parsed) return ExitCode.ok;
  // openCore already prints each problem as a warning: stdout carries only the verdict.
  const core = await openCore(io);
  const problems = core.configProblems();
  if (parsed.values.json)
    io.stdout(
      JSON.stringify({ file: core.configFile(), clusters: core.clusters().length, problems }, null, 2) + '\n',
    );
  else if (problems.length === 0)
    io.stdout(`${core.configFile()}: ok (${core.clusters().length} cluster(s))\n`);
  else
    io.stdout(
      `${core.configFile()}: ${problems.length} invalid entr${problems.length === 1 ? 'y' : 'ies'} set aside\n`,
    );
  return problems.length === 0 ? ExitCode.ok : ExitCode.config;
}
