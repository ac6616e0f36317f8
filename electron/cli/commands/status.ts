import { parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { ExitCode } from '../exit-codes.js';
import { printable } from '../../core/printable.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra status [--json]',
  summary:
    "Shows each cluster's token state and time left: fresh, expiring (a refresh is due), expired, needs-sign-in, error. " +
    'Asks the running agent when there is one; otherwise reads the shared token cache, where MSAL silently renews a token that has already expired (as `pgentra token` would), ' +
    'and says needs-sign-in where any pgentra process found the sign-in gone since the cached token was issued.',
  options: [['--json', 'machine-readable output on stdout: name, state, expiresAt, secondsLeft, error']],
  examples: ['pgentra status', 'pgentra status --json | jq ".[] | select(.secondsLeft < 600)"'],
};

function formatLeft(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds <= 0) return 'expired';
  const minutes = Math.floor(seconds / 60);
  return minutes >= 1 ? `${minutes} min` : `${seconds} s`;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, { json: { type: 'boolean' } }, help, io);
  if (!parsed) return ExitCode.ok;
  // The running agent knows live state (refreshing, backoff, last error); without one, read the cache.
  const { askAgent } = await import('../../core/agent/client.js');
  const { agentEndpoint } = await import('../../core/agent/paths.js');
  const { resolveConfigDir } = await import('../../core/config-dir.js');
  const answer = await askAgent(
    agentEndpoint(resolveConfigDir(io.env), io.env),
    { op: 'status' },
    { warn: (text) => io.stderr(`pgentra: warning: ${text}\n`) },
  );
  let rows;
  if (answer?.ok && 'status' in answer) rows = answer.status;
  else {
    const core = await openCore(io);
    await core.primeFromCache();
    rows = await core.status();
  }
  if (parsed.values.json) {
    io.stdout(JSON.stringify(rows, null, 2) + '\n');
    return ExitCode.ok;
  }
  if (rows.length === 0) {
    io.stderr('No clusters yet. Add one with `pgentra cluster add NAME --host HOST`.\n');
    return ExitCode.ok;
  }
  // Rows may come from the agent socket and errors from Entra: shown, never interpreted.
  const shown = rows.map((row) => ({
    ...row,
    name: printable(String(row.name)),
    state: printable(String(row.state)),
    error: row.error ? printable(String(row.error)) : row.error,
  }));
  const width = Math.max(...shown.map((row) => row.name.length), 4);
  io.stdout(`${'NAME'.padEnd(width)}  STATE           LEFT      EXPIRES\n`);
  for (const row of shown) {
    const expires = typeof row.expiresAt === 'number' ? new Date(row.expiresAt).toLocaleTimeString() : '-';
    const left = typeof row.secondsLeft === 'number' ? formatLeft(row.secondsLeft) : '-';
    io.stdout(
      `${row.name.padEnd(width)}  ${row.state.padEnd(14)}  ${left.padEnd(8)}  ${expires}${row.error ? `  ${row.error}` : ''}\n`,
    );
    if (row.warning) io.stderr(`pgentra: warning: ${row.name}: ${row.warning}\n`);
  }
  return ExitCode.ok;
}
