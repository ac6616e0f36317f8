// Opening a forward for `pgentra ssh` and `pgentra wsl-relay`: the running tray app or `pgentra
// agent` opens it (so its log and tray show it) and keeps it while our connection lasts; with
// neither running, this process serves it from its own core until it ends.
import { holdAgent } from '../core/agent/client.js';
import { agentEndpoint } from '../core/agent/paths.js';
import type { ForwardLease } from '../core/agent/protocol.js';
import { resolveConfigDir } from '../core/config-dir.js';
import { CliError, ExitCode, usageError } from './exit-codes.js';
import type { Io } from './io.js';
import { printable } from '../core/printable.js';

export interface ForwardPolicyInput {
  label: string;
  clusters?: string[];
  ratePerMinute?: number;
}

export interface OpenedForward {
  lease: ForwardLease;
  /** Resolves if the forward ends from the other side (the tray app quit). */
  ended: Promise<void>;
  close(): Promise<void>;
  /** Who serves it: the running agent, or this process (none was running). */
  servedBy: 'agent' | 'this process';
}

export async function openForward(io: Io, policy: ForwardPolicyInput): Promise<OpenedForward> {
  const configDir = resolveConfigDir(io.env);
  const warn = (message: string) => io.stderr(`pgentra: warning: ${message}\n`);
  const held = await holdAgent(agentEndpoint(configDir, io.env), { op: 'forward-open', ...policy }, { warn });
  if (held) {
    const { answer } = held;
    if (!answer.ok) {
      held.close();
      throw new CliError(
        answer.code === 'usage' ? ExitCode.usage : ExitCode.config,
        printable(answer.message, { multiline: true }),
      );
    }
    if (!('forward' in answer)) {
      held.close();
      throw new CliError(
        ExitCode.config,
        'the running pgentra agent cannot open forwards (it is an older version): restart the tray app or `pgentra agent`',
      );
    }
    return { lease: answer.forward, ended: held.ended, close: async () => held.close(), servedBy: 'agent' };
  }
  return serveHere(io, configDir, policy);
}

async function serveHere(io: Io, configDir: string, policy: ForwardPolicyInput): Promise<OpenedForward> {
  const [{ openCore }, { serverEndpoint, securePrivateDirectory }, { Forwards, ForwardRefusedError }] =
    await Promise.all([
      import('./core-loader.js'),
      import('../core/agent/server.js'),
      import('../core/agent/forwards.js'),
    ]);
  const [{ forwardSources }, { nodeFileSystem, systemClock }] = await Promise.all([
    import('../core/agent-answers.js'),
    import('../core/node-ports.js'),
  ]);
  const core = await openCore(io);
  const endpoint = await serverEndpoint(configDir, io.env);
  if (endpoint.directory) await securePrivateDirectory(endpoint.directory);
  const forwards = new Forwards({
    endpoint,
    clock: systemClock,
    // This terminal is the remote session's too: only what a person must see (refusals).
    log: (message) => {
      if (io.verbose || /refused/.test(message)) io.stderr(`pgentra: ${message}\n`);
    },
    ...forwardSources(core, nodeFileSystem, { owner: 'agent', clock: systemClock }),
  });
  try {
    const lease = await forwards.start(policy);
    return {
      lease,
      ended: new Promise<void>(() => undefined),
      close: () => forwards.closeAll(),
      servedBy: 'this process',
    };
  } catch (error) {
    if (error instanceof ForwardRefusedError) throw usageError(error.message);
    throw error;
  }
}
