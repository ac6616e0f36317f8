import { parseCommand, type CommandHelp } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra doctor [NAME] [--no-connect]',
  summary:
    'Explains what works and what does not: the configuration, which OS keychain holds your sign-in, the signed-in ' +
    "accounts, and for each cluster (or just NAME) whether the token's claims match what the server expects " +
    '(audience, tenant, user) and whether the server accepts it (TCP, then `psql -c "select current_user"`).',
  options: [['--no-connect', 'skip the network checks against the database servers']],
  examples: ['pgentra doctor', 'pgentra doctor prod'],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, { 'no-connect': { type: 'boolean' } }, help, io, { max: 1 });
  if (!parsed) return ExitCode.ok;
  const { runDoctor } = await import('../doctor.js');
  return runDoctor(io, { cluster: parsed.positionals[0], connect: !parsed.values['no-connect'] });
}
