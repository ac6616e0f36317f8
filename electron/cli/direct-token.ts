// `pgentra token` without an agent: open the shared MSAL cache ourselves.
import type { AgentRequestBody } from '../core/agent/client.js';
import { openCore, toCliError } from './core-loader.js';
import type { Io } from './io.js';

export async function tokenFromCache(
  request: Extract<AgentRequestBody, { op: 'token' | 'token-for' }>,
  io: Io,
): Promise<string> {
  const core = await openCore(io);
  try {
    const cluster = request.op === 'token' ? core.cluster(request.cluster) : core.clusterFor(request);
    const { token } = await core.token(cluster, { minValidSec: request.minValidSec, userAction: true });
    return token;
  } catch (error) {
    throw toCliError(error);
  }
}
