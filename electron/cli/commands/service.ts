import { parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { exitCodeFor, ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';
import { managedFileVerb, pathOrClean } from '../managed-file-verbs.js';

const help: CommandHelp = {
  usage: 'pgentra service sync | pgentra service clean | pgentra service path',
  summary:
    'pgentra keeps one [NAME] service per cluster in your libpq connection service file, so any libpq client ' +
    '(psql, pg_dump, DBeaver, Python, …) connects with `service=NAME`: host, port, database, user, ' +
    'sslmode=verify-full with the root certificates, and the pgpass file holding the token. No token is written ' +
    'there. A service name you already use is left as yours and reported. `sync` writes them now (pgentra does it ' +
    'whenever clusters change), `clean` removes them. The file is PGSERVICEFILE, else ~/.pg_service.conf ' +
    '(%APPDATA%\\postgresql\\.pg_service.conf on Windows); the "pgService.enabled" setting turns it off.',
  options: [],
  examples: [
    'pgentra service sync && psql "service=prod"',
    'PGSERVICE=prod pg_dump -Fc -f prod.dump',
    'pgentra service clean',
  ],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const [given, ...rest] = argv;
  const verb = managedFileVerb('service', given, help, io);
  if (typeof verb === 'number') return verb;
  const parsed = parseCommand(rest, {}, help, io);
  if (!parsed) return ExitCode.ok;
  const core = await openCore(io);
  if (verb !== 'sync') {
    const file = { path: core.serviceFilePath, clean: core.cleanServiceFile, ours: 'services' };
    return pathOrClean(verb, file, io);
  }
  if (!core.settings.pgService.enabled)
    io.stderr('Note: the pgService.enabled setting is off, so pgentra will not keep this file up to date.\n');
  const report = await core.syncServiceFile();
  const n = report.entries;
  io.stderr(
    `${report.changed ? 'Updated' : 'Already up to date:'} ${report.path} (${n} service${n === 1 ? '' : 's'}).\n`,
  );
  for (const problem of report.problems) io.stderr(`  ${problem.service}: ${problem.error.message}\n`);
  const last = report.problems.at(-1);
  return last ? exitCodeFor(last.error) : ExitCode.ok;
}
