// The commands that connect (`env`, `psql`, `pgpass sync`) on a machine reached through a forward:
// PGENTRA_AGENT names the desktop's forward, which has the clusters and the tokens; this machine
// has no configuration of its own. When the forward is gone, they say so and use this machine's
// own pgentra instead (it may have one).
import os from 'node:os';
import { ForwardClient } from '../core/agent/forward-client.js';
import { forwardedEndpoint } from '../core/agent/paths.js';
import { resolveConfigDir } from '../core/config-dir.js';
import { describeFailure } from '../core/errors.js';
import { ForwardedFiles } from '../core/forwarded-files.js';
import type { ConnectionTarget } from '../core/launch/connection.js';
import { nodeFileSystem, systemClock } from '../core/node-ports.js';
import { toCliError } from './exit-codes.js';
import type { Io } from './io.js';

export interface Forwarded {
  client: ForwardClient;
  files: ForwardedFiles;
}

export function forwardedFor(io: Io): Forwarded | undefined {
  const endpoint = forwardedEndpoint(io.env);
  if (!endpoint) return undefined;
  const warn = (message: string) => io.stderr(`pgentra: warning: ${message}\n`);
  return {
    client: new ForwardClient(endpoint, warn),
    files: new ForwardedFiles({
      fs: nodeFileSystem,
      clock: systemClock,
      place: { env: io.env, homedir: os.homedir(), platform: process.platform },
      configDir: resolveConfigDir(io.env),
    }),
  };
}

/**
 * Runs `viaForward` when PGENTRA_AGENT is set and its forward answers, else `here`. A forward
 * that has ended is a warning, not the end: this machine's own configuration gets its turn.
 */
export async function forwardFirst<T>(
  io: Io,
  viaForward: (forwarded: Forwarded) => Promise<T>,
  here: () => Promise<T>,
): Promise<T> {
  const forwarded = forwardedFor(io);
  if (!forwarded) return here();
  try {
    return await viaForward(forwarded);
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.code !== 'forward-gone') throw toCliError(error);
    io.stderr(`pgentra: warning: ${failure.message}; using this machine's own pgentra configuration\n`);
    return here();
  }
}

/** A cluster's target here, its fresh token in this machine's pgpass file first (like `connectionTarget`). */
export async function forwardedTarget(
  { client, files }: Forwarded,
  name: string,
  options: { ensureToken: boolean },
): Promise<ConnectionTarget> {
  const cluster = await client.cluster(name);
  if (options.ensureToken) {
    const { token } = await client.token(name);
    await files.writeTokens([{ cluster, token }]);
  }
  return files.target(cluster);
}
