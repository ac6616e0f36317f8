// `pgentra wsl-relay`: the Windows end of the WSL relay. WSL's Linux side cannot open a Windows
// named pipe, but it can run this program (pgentra.exe, through WSL interop) and talk to its
// stdin/stdout: it opens a forward like `pgentra ssh` does (label "wsl", the same allow-list and
// rate limit) and answers each request line from it, until stdin ends.
import { askAgent, type AgentRequestBody } from '../../core/agent/client.js';
import { agentEndpoint, type AgentEndpoint } from '../../core/agent/paths.js';
import type { AgentResponse } from '../../core/agent/protocol.js';
import { lineRelay } from '../../core/agent/relay.js';
import { resolveConfigDir } from '../../core/config-dir.js';
import path from 'node:path';
import { parseCommand, type CommandHelp } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { openForward } from '../forward-lease.js';
import { FORWARD_POLICY_OPTIONS, forwardPolicyOf } from './forward.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra wsl-relay [--cluster A,B] [--label NAME] [--rate N]',
  summary:
    'Run by `pgentra agent --from-forward --relay-command` inside WSL, not by hand: opens a forward of this ' +
    "machine's pgentra (only the clusters allowed, at a limited rate) and answers the requests WSL writes on stdin, " +
    'one line each, on stdout, until stdin ends.',
  options: [
    ['--cluster A,B', 'allow only these clusters (repeatable; default: all configured)'],
    ['--label NAME', 'how the tray and the log name this forward (default: wsl)'],
    ['--rate N', 'at most N requests a minute (default 120)'],
  ],
  examples: [
    "pgentra agent --from-forward --relay-command 'pgentra.exe wsl-relay --cluster dev'   (inside WSL)",
  ],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, FORWARD_POLICY_OPTIONS, help, io);
  if (!parsed) return ExitCode.ok;
  const policy = forwardPolicyOf(parsed.values, parsed.values.label ?? 'wsl');

  const forward = await openForward(io, policy);
  // The forward lives beside the main endpoint: same private folder, or (Windows) same key to prove.
  const main = agentEndpoint(resolveConfigDir(io.env), io.env);
  const endpoint: AgentEndpoint = main.directory
    ? { address: forward.lease.address, directory: path.dirname(forward.lease.address) }
    : { address: forward.lease.address, proofKey: main.proofKey };
  const gone: AgentResponse = {
    ok: false,
    code: 'unreachable',
    message: 'the forward on the desktop has ended',
  };
  try {
    await Promise.race([
      // Unchecked here on purpose: the forward itself validates every request.
      lineRelay(
        process.stdin,
        process.stdout,
        async (request) => (await askAgent(endpoint, request as AgentRequestBody)) ?? gone,
      ),
      forward.ended,
    ]);
  } finally {
    await forward.close();
  }
  return ExitCode.ok;
}
