// `pgentra agent --from-forward`: on a machine reached through a forward, keep its pgpass file (and
// service file) fresh from the desktop until the forward ends, then take those lines out. With
// --relay-command it first makes the forward itself: a socket here whose requests go, one line at
// a time, to a relay program (WSL: `pgentra.exe wsl-relay`, run through WSL interop).
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { askAgent, parseResponse } from '../core/agent/client.js';
import { ForwardClient } from '../core/agent/forward-client.js';
import { refuseForwardOp } from '../core/agent/forwards.js';
import { agentEndpoint, forwardedEndpoint, type AgentEndpoint } from '../core/agent/paths.js';
import { forwardRequestSchema } from '../core/agent/protocol.js';
import { RelayLink } from '../core/agent/relay.js';
import { securePrivateDirectory, startSocketServer, type AgentServer } from '../core/agent/server.js';
import { resolveConfigDir } from '../core/config-dir.js';
import { PgentraError } from '../core/errors.js';
import { keepForwardedFiles } from '../core/forward-keeper.js';
import { ForwardedFiles } from '../core/forwarded-files.js';
import { nodeFileSystem, systemClock } from '../core/node-ports.js';
import { promises as fs } from 'node:fs';
import { ExitCode, usageError } from './exit-codes.js';
import type { Io } from './io.js';

export interface FromForwardOptions {
  relayCommand?: string;
  socket?: string;
  serviceFile: boolean;
}

export async function runFromForward(io: Io, options: FromForwardOptions): Promise<number> {
  // Started by `pgentra ssh HOST -- pgentra agent --from-forward`, stderr is the ssh session's and
  // goes when it does: the lines it brought must still be taken out, so a closed stderr is no reason to stop.
  process.stderr.removeAllListeners('error');
  process.stderr.on('error', () => undefined);
  const log = (message: string) => io.stderr(`${new Date().toISOString()} ${message}\n`);
  const stop = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
  let relay: { server: AgentServer; ended: Promise<void> } | undefined;
  let endpoint: AgentEndpoint | undefined = forwardedEndpoint(io.env);
  if (options.relayCommand) {
    const address =
      options.socket ??
      endpoint?.address ??
      path.join(path.dirname(agentEndpoint(resolveConfigDir(io.env), io.env).address), 'forward.sock');
    relay = await serveRelay(options.relayCommand, path.resolve(address), log);
    endpoint = { address: relay.server.address, forwarded: true };
    log(`relay: serving the forward on ${relay.server.address} (set PGENTRA_AGENT=${relay.server.address})`);
  }
  if (!endpoint)
    throw usageError(
      'PGENTRA_AGENT is not set, so there is no forward to keep files from',
      'Connect with `pgentra ssh HOST` (it sets PGENTRA_AGENT there), or give --relay-command (WSL).',
    );
  const files = new ForwardedFiles({
    fs: nodeFileSystem,
    clock: systemClock,
    place: { env: io.env, homedir: os.homedir(), platform: process.platform },
    configDir: resolveConfigDir(io.env),
  });
  const client = new ForwardClient(endpoint, (message) => log(`warning: ${message}`));
  try {
    const stopped = relay ? Promise.race([stop, relay.ended]) : stop;
    await keepForwardedFiles(
      { client, files, clock: systemClock, log, services: options.serviceFile },
      stopped,
    );
    return ExitCode.ok;
  } finally {
    await relay?.server.close();
  }
}

/**
 * The Linux side of a relay: a private socket whose requests go to `command`'s stdin in order,
 * answered from its stdout. A watch is answered here and held until the relay ends.
 */
async function serveRelay(
  command: string,
  address: string,
  log: (message: string) => void,
): Promise<{ server: AgentServer; ended: Promise<void> }> {
  await securePrivateDirectory(path.dirname(address));
  const existing = await askAgent({ address, forwarded: true }, { op: 'ping' }, { timeoutMs: 2_000 }).catch(
    () => null,
  );
  if (existing?.ok)
    throw new PgentraError(
      'agent-running',
      `a forward is already served on ${address}; stop it first or choose --socket`,
    );
  await fs.rm(address, { force: true });
  const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'inherit'] });
  const link = new RelayLink(child.stdin, child.stdout);
  child.once('exit', (code) => log(`relay: \`${command}\` exited (${code ?? 'signal'})`));
  const server = await startSocketServer(
    { address, posix: true, schema: forwardRequestSchema, refuse: refuseForwardOp },
    async (request, session) => {
      if (request.op === 'watch') {
        session.hold(() => undefined);
        return { ok: true, watching: true };
      }
      return parseResponse(await link.send(JSON.stringify(request)));
    },
  );
  void link.ended.then(() => server.close());
  return {
    server: {
      address: server.address,
      close: async () => {
        child.stdin.end();
        child.kill();
        await server.close();
        await fs.rm(address, { force: true });
      },
    },
    ended: link.ended,
  };
}
