import { parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra accounts [--json]',
  summary: 'Lists the Entra accounts signed in on this computer.',
  options: [['--json', 'machine-readable output on stdout']],
  examples: ['pgentra accounts', 'pgentra accounts --json'],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, { json: { type: 'boolean' } }, help, io);
  if (!parsed) return ExitCode.ok;
  const core = await openCore(io);
  const accounts = await core.accounts();
  if (parsed.values.json) {
    io.stdout(
      JSON.stringify(
        accounts.map(({ id, username, tenantId, name }) => ({ id, username, tenantId, name: name ?? null })),
        null,
        2,
      ) + '\n',
    );
  } else if (accounts.length === 0) {
    io.stderr('No account is signed in. Run `pgentra login`.\n');
  } else {
    for (const account of accounts)
      io.stdout(`${account.username}\t${account.tenantId}${account.name ? `\t${account.name}` : ''}\n`);
  }
  return ExitCode.ok;
}
