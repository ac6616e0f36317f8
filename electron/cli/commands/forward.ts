// `pgentra forward --socket PATH`: a forward at a path you choose, for your own ssh config
// (`RemoteForward REMOTE PATH`) or a container mount, where `pgentra ssh` cannot pick the path
// for each connection. The same forward as `pgentra ssh` opens (allow-list, rate limit, label in
// the tray); this process relays each connection to it until stopped.
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { forwardLabelSchema } from '../../core/agent/protocol.js';
import { securePrivateDirectory } from '../../core/agent/server.js';
import { clusterNameSchema } from '../../shared/cluster-name.js';
import { parseCommand, type CommandHelp } from '../args.js';
import { ExitCode, usageError } from '../exit-codes.js';
import { openForward } from '../forward-lease.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra forward --socket PATH [--cluster A,B] [--label NAME] [--rate N]',
  summary:
    'Keeps a forward of your pgentra open at PATH (a socket only you can use, in a folder only you can change) ' +
    'until stopped, for a `RemoteForward` line in your own ssh config or a dev container mount. Whoever reaches ' +
    'it gets what `pgentra ssh` gives a remote: tokens and connection facts of the allowed clusters, nothing else.',
  options: [
    ['--socket PATH', 'where to listen (its folder is made 0700)'],
    ['--cluster A,B', 'allow only these clusters (repeatable; default: all configured)'],
    ['--label NAME', 'how the tray and the log name it (default: the socket file name)'],
    ['--rate N', 'at most N requests a minute (default 120)'],
  ],
  examples: ['pgentra forward --socket ~/.pgentra/jump.sock --cluster prod --label jump'],
};

/** The options `pgentra ssh`, `forward` and `wsl-relay` share, checked the same way. */
export function forwardPolicyOf(
  values: { cluster?: string[]; label?: string; rate?: string },
  label: string,
) {
  const clusters = values.cluster?.flatMap((list) => list.split(',')).filter(Boolean);
  for (const name of clusters ?? []) {
    const check = clusterNameSchema.safeParse(name);
    if (!check.success)
      throw usageError(`--cluster "${name}": ${check.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (!forwardLabelSchema.safeParse(label).success)
    throw usageError(`--label "${label}": use 1–64 letters, digits or . _ - @ : +`);
  const ratePerMinute = values.rate === undefined ? undefined : Number(values.rate);
  if (
    ratePerMinute !== undefined &&
    !(Number.isInteger(ratePerMinute) && ratePerMinute >= 1 && ratePerMinute <= 6000)
  )
    throw usageError(`--rate must be a whole number from 1 to 6000 (got "${values.rate}")`);
  return { label, clusters, ratePerMinute };
}

export const FORWARD_POLICY_OPTIONS = {
  cluster: { type: 'string', multiple: true },
  label: { type: 'string' },
  rate: { type: 'string' },
} as const;

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, { ...FORWARD_POLICY_OPTIONS, socket: { type: 'string' } }, help, io);
  if (!parsed) return ExitCode.ok;
  const { values } = parsed;
  if (!values.socket) throw usageError('--socket PATH is required', `Usage: ${help.usage}`);
  const socket = path.resolve(values.socket);
  const policy = forwardPolicyOf(
    values,
    values.label ??
      path
        .basename(socket)
        .replace(/\.sock$/, '')
        .slice(0, 64),
  );
  await securePrivateDirectory(path.dirname(socket));
  const forward = await openForward(io, policy);
  await fs.rm(socket, { force: true });
  const relay = net.createServer((client) => {
    const upstream = net.createConnection(forward.lease.address);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => relay.listen(socket, resolve));
  await fs.chmod(socket, 0o600);
  io.stderr(
    `pgentra: forwarding ${forward.lease.clusters.join(', ') || 'no clusters'} on ${socket} as "${policy.label}"; stop with Ctrl-C\n`,
  );
  await Promise.race([
    forward.ended,
    new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }),
  ]);
  relay.close();
  await forward.close();
  await fs.rm(socket, { force: true });
  return ExitCode.ok;
}
