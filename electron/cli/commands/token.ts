// `pgentra token`: the one command whose stdout is a secret. pgAdmin's PasswordExecCommand runs it
// for every new connection, so it asks the running agent first (milliseconds, no MSAL loaded) and
// only falls back to the shared MSAL cache when no agent answers.
import { homedir } from 'node:os';
import { askAgent } from '../../core/agent/client.js';
import { agentEndpoint, forwardedEndpoint } from '../../core/agent/paths.js';
import type { AgentFailureCode, AgentResponse } from '../../core/agent/protocol.js';
import { resolveConfigDir } from '../../core/config-dir.js';
import { printable } from '../../core/printable.js';
import { parseCommand, parseDuration, parsePort, type CommandHelp } from '../args.js';
import { CliError, ExitCode, usageError } from '../exit-codes.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra token NAME [--min-valid DURATION]   |   pgentra token --host HOST --port PORT --user USER',
  summary:
    'Prints only the access token for a cluster on stdout, refreshing it first if it has less than --min-valid left ' +
    '(default 5m). Everything else goes to stderr. Use it in scripts (PGPASSWORD is discouraged: prefer `pgentra env`) ' +
    "and as pgAdmin's password exec command.",
  options: [
    [
      '--min-valid DURATION',
      'minimum time the token must stay valid: 300, 90s, 10m, 1h (default 5m); given, it fails (exit 2) when Entra ID issues shorter tokens',
    ],
    ['--host HOST', 'find the cluster by host, port and user instead of by name'],
    ['--port PORT', 'with --host (default 5432)'],
    ['--user USER', 'with --host: the database user name'],
    ['--no-agent', 'do not ask a running tray app or `pgentra agent`; use the token cache directly'],
  ],
  examples: [
    'pgentra token prod',
    'pgentra token prod --min-valid 10m',
    'pgentra token --host myserver.postgres.database.azure.com --user alice@contoso.com',
  ],
};

const EXIT_FOR: Record<AgentFailureCode, ExitCode> = {
  usage: ExitCode.usage,
  'needs-sign-in': ExitCode.needsSignIn,
  unreachable: ExitCode.unreachable,
  config: ExitCode.config,
  internal: ExitCode.internal,
};

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      'min-valid': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      'no-agent': { type: 'boolean' },
    },
    help,
    io,
    { max: 1 },
  );
  if (!parsed) return ExitCode.ok;
  const { values, positionals } = parsed;
  const name = positionals[0];
  // Sent only when given: an explicit --min-valid is a demand the agent must meet or refuse,
  // while its absence means the default (5 min), best effort.
  const minValidSec =
    values['min-valid'] !== undefined ? parseDuration('min-valid', values['min-valid']) : undefined;
  if (name && values.host) throw usageError('give either a cluster NAME or --host, not both');
  if (!name && !values.host)
    throw usageError('which cluster? Give its NAME or --host/--port/--user', `Usage: ${help.usage}`);
  if (values.host && !values.user) throw usageError('--user is required with --host');
  const port = values.port !== undefined ? parsePort('port', values.port) : 5432;

  const request = name
    ? ({ op: 'token', cluster: name, minValidSec } as const)
    : ({ op: 'token-for', host: values.host ?? '', port, user: values.user ?? '', minValidSec } as const);

  if (!values['no-agent']) {
    const warn = (text: string) => io.stderr(`pgentra: warning: ${text}\n`);
    // A forwarded agent (PGENTRA_AGENT: `pgentra ssh`, WSL, a container) comes before anything here.
    const forwarded = forwardedEndpoint(io.env);
    if (forwarded) {
      const answer = await askAgent(forwarded, request, { warn });
      if (answer && printed(answer, io)) return ExitCode.ok;
      warn(
        `PGENTRA_AGENT names ${forwarded.address}, but nothing answers there (the forward has ended); trying this machine's own pgentra`,
      );
    }
    const endpoint = agentEndpoint(resolveConfigDir(io.env), io.env);
    let answer = await askAgent(endpoint, request, { warn });
    if (answer === null && process.platform === 'darwin' && !io.env.PGENTRA_NO_APP_START) {
      // Before this CLI opens the keychain item the app created (and macOS asks the user whether
      // `node` may read it), let the app answer: see core/agent/start-app.ts.
      const [{ startAppAgent }, { createNodeProcesses, nodeFileSystem }] = await Promise.all([
        import('../../core/agent/start-app.js'),
        import('../../core/node-ports.js'),
      ]);
      const started = await startAppAgent({
        processes: createNodeProcesses({ env: io.env }),
        fs: nodeFileSystem,
        execPath: process.execPath,
        homedir: homedir(),
        agentAnswers: async () =>
          (await askAgent(endpoint, { op: 'ping' }, { timeoutMs: 1_000 }).catch(() => null))?.ok === true,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      });
      if (started.started) answer = await askAgent(endpoint, request, { warn });
      else if (io.verbose) io.stderr(`pgentra: not using the app: ${started.why}\n`);
    }
    if (answer && printed(answer, io)) return ExitCode.ok;
  }

  const { printTokenFromCache } = await import('../direct-token.js');
  return printTokenFromCache(request, io);
}

/** An agent's answer as the user sees it: the token on stdout, or its refusal as this command's failure. */
function printed(answer: AgentResponse, io: Io): boolean {
  if (!answer.ok) throw new CliError(EXIT_FOR[answer.code], printable(answer.message, { multiline: true }));
  if (!('token' in answer)) return false;
  if (answer.warning) io.stderr(`pgentra: warning: ${printable(answer.warning)}\n`);
  io.stdout(`${answer.token}\n`);
  return true;
}
