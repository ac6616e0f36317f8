// `pgentra ssh HOST`: ssh with this machine's pgentra forwarded, the way `ssh -A` forwards keys.
// A forward of its own is opened for this connection (never the main agent socket), and OpenSSH
// carries it to a Unix socket on the remote (`-R remote:local`); the remote shell is started with
// PGENTRA_AGENT naming it, which every pgentra command there asks first. stock sshd accepts no
// environment variables but LANG/LC_*, so the variable travels in the remote command.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { shQuote } from '../../core/launch/quoting.js';
import { parseCommand, type CommandHelp } from '../args.js';
import { ExitCode, usageError } from '../exit-codes.js';
import type { Io } from '../io.js';
import { openForward } from '../forward-lease.js';
import { FORWARD_POLICY_OPTIONS, forwardPolicyOf } from './forward.js';

const help: CommandHelp = {
  usage:
    'pgentra ssh [--cluster A,B] [--label NAME] [--rate N] [--remote-socket PATH] HOST [SSH_OPTIONS…] [-- COMMAND…]',
  summary:
    'Runs ssh to HOST with your pgentra forwarded: on HOST, `pgentra token`, `env`, `psql` and `pgpass sync` get tokens ' +
    'from this machine (no sign-in there), and `pgentra agent --from-forward` keeps ~/.pgpass fresh there while the ' +
    'connection lives. Only the clusters allowed (all configured ones unless --cluster) can be asked for, at a limited ' +
    'rate; the tray app and its log show what HOST fetched. Everything after HOST goes to ssh; after `--`, the command ' +
    'to run on HOST (default: your login shell).',
  options: [
    ['--cluster A,B', 'allow only these clusters through this connection (repeatable)'],
    ['--label NAME', 'how the tray and the log name this connection (default: HOST)'],
    ['--rate N', 'at most N requests a minute from HOST (default 120)'],
    [
      '--remote-socket PATH',
      'where the socket goes on HOST (an absolute path; default /tmp/pgentra-RANDOM.sock, made 0600 by sshd)',
    ],
  ],
  examples: [
    'pgentra ssh jump.example.com',
    'pgentra ssh --cluster prod jump.example.com -p 2222',
    'pgentra ssh jump.example.com -- pgentra psql prod',
  ],
};

const VALUE_OPTIONS = new Set(['--cluster', '--label', '--rate', '--remote-socket']);

/** Our options come before HOST; everything from HOST on is ssh's (and the remote command's). */
export function splitSshArgv(argv: string[]): {
  own: string[];
  host?: string;
  ssh: string[];
  command: string[];
} {
  let index = 0;
  while (index < argv.length) {
    const arg = argv[index] ?? '';
    if (!arg.startsWith('-')) break;
    index += VALUE_OPTIONS.has(arg) ? 2 : 1;
  }
  const own = argv.slice(0, index);
  const rest = argv.slice(index);
  const split = rest.indexOf('--');
  const ssh = split === -1 ? rest.slice(1) : rest.slice(1, split);
  return { own, host: rest[0], ssh, command: split === -1 ? [] : rest.slice(split + 1) };
}

/** The remote command: the user's shell (or their command) with PGENTRA_AGENT set. */
export function remoteCommand(socket: string, command: string[]): string {
  const variable = `PGENTRA_AGENT=${shQuote(socket)}`;
  // `env` and "$SHELL" work the same from sh, bash, zsh, fish and csh login shells.
  if (command.length === 0) return `exec env ${variable} "$SHELL" -l`;
  return `exec env ${variable} "$SHELL" -c ${shQuote(command.join(' '))}`;
}

export function sshArguments(options: {
  host: string;
  ssh: string[];
  command: string[];
  remoteSocket: string;
  localSocket: string;
}): string[] {
  const { ssh } = options;
  const noCommand = ssh.includes('-N');
  const interactive = options.command.length === 0 && !noCommand;
  return [
    '-o',
    'ExitOnForwardFailure=yes',
    '-o',
    'StreamLocalBindUnlink=yes',
    '-R',
    `${options.remoteSocket}:${options.localSocket}`,
    ...(interactive && !ssh.includes('-T') ? ['-t'] : []),
    options.host,
    ...ssh,
    ...(noCommand ? [] : [remoteCommand(options.remoteSocket, options.command)]),
  ];
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { own, host, ssh, command } = splitSshArgv(argv);
  const parsed = parseCommand(
    own,
    { ...FORWARD_POLICY_OPTIONS, 'remote-socket': { type: 'string' } },
    help,
    io,
  );
  if (!parsed) return ExitCode.ok;
  if (!host) throw usageError('which host? Give it as ssh would', `Usage: ${help.usage}`);
  if (process.platform === 'win32')
    throw usageError(
      '`pgentra ssh` needs Unix sockets on this machine; on Windows run it inside WSL, with the WSL relay (see the README)',
    );
  const { values } = parsed;
  const policy = forwardPolicyOf(values, values.label ?? host.replace(/^.*@/, '').slice(0, 64));
  const remoteSocket = values['remote-socket'] ?? `/tmp/pgentra-${randomBytes(12).toString('hex')}.sock`;
  if (!remoteSocket.startsWith('/'))
    throw usageError(`--remote-socket must be an absolute path on ${host} (sshd resolves others from /)`);

  const forward = await openForward(io, policy);
  io.stderr(
    `pgentra: forwarding ${forward.lease.clusters.join(', ') || 'no clusters'} to ${host} (PGENTRA_AGENT=${remoteSocket} there)\n`,
  );
  let sshEnded = false;
  void forward.ended.then(() => {
    if (!sshEnded)
      io.stderr(
        `\npgentra: the pgentra agent here stopped; ${host} gets no more tokens through this connection\n`,
      );
  });
  try {
    const args = sshArguments({ host, ssh, command, remoteSocket, localSocket: forward.lease.address });
    const child = spawn('ssh', args, { stdio: 'inherit', env: io.env });
    // Ctrl-C belongs to the remote session (ssh passes it on), as in a shell running ssh; being
    // told to stop ends ssh first, so the forward closes after the connection, never before.
    const passOn = (signal: NodeJS.Signals) => () => void child.kill(signal);
    const handlers = [
      ['SIGINT', () => undefined],
      ['SIGTERM', passOn('SIGTERM')],
      ['SIGHUP', passOn('SIGHUP')],
    ] as const;
    for (const [signal, handler] of handlers) process.on(signal, handler);
    child.once('exit', () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    });
    return await new Promise<number>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'ENOENT'
            ? usageError('ssh is not installed here (or not on PATH)', 'Install OpenSSH, then try again.')
            : error,
        ),
      );
      // ssh's own exit code (255: ssh failed), as a user of ssh expects.
      child.once('exit', (code, signal) =>
        resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0)),
      );
    });
  } finally {
    sshEnded = true;
    await forward.close();
  }
}
