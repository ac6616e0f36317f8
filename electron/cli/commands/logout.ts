import { parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { CliError, ExitCode, usageError } from '../exit-codes.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra logout [ACCOUNT | --all]',
  summary:
    'Signs an account out: removes it from the encrypted token cache and its tokens from your pgpass file. ' +
    'With one account signed in, ACCOUNT may be omitted.',
  options: [['--all', 'sign out every account']],
  examples: ['pgentra logout', 'pgentra logout alice@contoso.com', 'pgentra logout --all'],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, { all: { type: 'boolean' } }, help, io, { max: 1 });
  if (!parsed) return ExitCode.ok;
  const target = parsed.positionals[0];
  if (target && parsed.values.all) throw usageError('give an ACCOUNT or --all, not both');
  const core = await openCore(io);
  const accounts = await core.accounts();
  let chosen = accounts;
  if (!parsed.values.all) {
    if (target)
      chosen = accounts.filter((a) => a.username.toLowerCase() === target.toLowerCase() || a.id === target);
    else if (accounts.length > 1)
      throw usageError(
        `${accounts.length} accounts are signed in: name one, or use --all`,
        accounts.map((a) => `  ${a.username}`).join('\n'),
      );
    if (chosen.length === 0)
      throw new CliError(
        ExitCode.usage,
        target ? `no signed-in account "${target}"` : 'no account is signed in',
      );
  }
  for (const account of chosen) {
    await core.signOut(account.id);
    io.stderr(`Signed out ${account.username}.\n`);
  }
  if (chosen.length === 0) io.stderr('No account was signed in.\n');
  return ExitCode.ok;
}
