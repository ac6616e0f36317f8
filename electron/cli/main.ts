// `pgentra` entry point: dispatches to a command module loaded on demand, so `pgentra token`
// (pgAdmin runs it for every connection) loads nothing but the agent client when the tray or
// `pgentra agent` is running.
import { ExitCode, reportError } from './exit-codes.js';
import { processIo, stopQuietlyOnClosedPipe, type Io } from './io.js';

export interface CommandModule {
  run(argv: string[], io: Io): Promise<number>;
}

export const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  login: {
    summary: 'sign in to Entra ID (browser, or --device-code)',
    load: () => import('./commands/login.js'),
  },
  logout: { summary: 'sign out an account (or --all)', load: () => import('./commands/logout.js') },
  accounts: { summary: 'list signed-in accounts', load: () => import('./commands/accounts.js') },
  cluster: { summary: 'add, list or remove clusters', load: () => import('./commands/cluster.js') },
  discover: {
    summary: 'list your PostgreSQL servers in Azure (Entra, network, firewall)',
    load: () => import('./commands/discover.js'),
  },
  firewall: {
    summary: "allow your IP in a cluster's Azure firewall (shown and confirmed), or remove it",
    load: () => import('./commands/firewall.js'),
  },
  config: {
    summary: 'check config.json (invalid entries and their fix)',
    load: () => import('./commands/config.js'),
  },
  status: { summary: "time left on each cluster's token", load: () => import('./commands/status.js') },
  token: {
    summary: 'print a fresh token (for scripts and pgAdmin)',
    load: () => import('./commands/token.js'),
  },
  env: {
    summary: 'print libpq environment variables for a cluster',
    load: () => import('./commands/env.js'),
  },
  pgpass: {
    summary: 'write tokens into your pgpass file (sync, clean)',
    load: () => import('./commands/pgpass.js'),
  },
  service: {
    summary: 'write a [NAME] per cluster into pg_service.conf, for `psql "service=NAME"` (sync, clean)',
    load: () => import('./commands/service.js'),
  },
  agent: {
    summary: 'keep tokens fresh in the background and serve `pgentra token`',
    load: () => import('./commands/agent.js'),
  },
  psql: {
    summary: 'run psql signed in (the token comes from the pgpass file, never argv)',
    load: () => import('./commands/psql.js'),
  },
  ssh: {
    summary: 'ssh to a host with your tokens forwarded (pgentra there needs no sign-in)',
    load: () => import('./commands/ssh.js'),
  },
  forward: {
    summary: 'keep a forward at a socket path you choose (your own ssh config, a dev container)',
    load: () => import('./commands/forward.js'),
  },
  'wsl-relay': {
    summary: 'serve WSL a forward over stdin/stdout (run by `pgentra agent --from-forward` in WSL)',
    load: () => import('./commands/wsl-relay.js'),
  },
  pgadmin: {
    summary: 'add clusters to pgAdmin 4 (its password command is `pgentra token`)',
    load: () => import('./commands/pgadmin.js'),
  },
  doctor: {
    summary: 'check configuration, keychain, sign-in and connectivity',
    load: () => import('./commands/doctor.js'),
  },
};

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
  return [
    'pgentra: Entra ID sign-in for PostgreSQL on Azure. Tokens stay fresh; you never paste one again.',
    '',
    'Usage: pgentra <command> [options] [--verbose]      (pgentra help <command> for details)',
    '',
    'Commands:',
    ...lines,
    '',
    'Example:',
    '  pgentra login && pgentra cluster add prod --host myserver.postgres.database.azure.com && pgentra pgpass sync',
    '',
    'Exit codes: 0 ok, 2 usage, 3 sign-in needed, 4 Entra ID or network unreachable, 5 configuration, 6 database check failed.',
    '--verbose adds the details of a failure (Entra error code, trace and correlation IDs) for a search or a support case.',
    '',
  ].join('\n');
}

export async function run(rawArgv: string[], given: Io = processIo): Promise<number> {
  if (given === processIo) stopQuietlyOnClosedPipe();
  // --verbose anywhere before `--` is the CLI's, not a command's: failures then show their details.
  const split = rawArgv.indexOf('--');
  const own = split === -1 ? rawArgv : rawArgv.slice(0, split);
  const verbose = own.includes('--verbose');
  const argv = verbose
    ? [...own.filter((arg) => arg !== '--verbose'), ...rawArgv.slice(own.length)]
    : rawArgv;
  const io = verbose ? { ...given, verbose } : given;
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] && COMMANDS[rest[0]]) return run([rest[0], '--help'], io);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr)(mainHelp());
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${typeof PGENTRA_VERSION === 'string' ? PGENTRA_VERSION : '0.0.0-dev'}\n`);
    return ExitCode.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`pgentra: unknown command "${name}". Run \`pgentra --help\` for the list.\n`);
    return ExitCode.usage;
  }
  try {
    const module = await command.load();
    return await module.run(rest, io);
  } catch (error) {
    return reportError(error, io);
  }
}

declare const PGENTRA_VERSION: string;
