// `pgentra token` without an agent: open the shared MSAL cache ourselves. It prints and reports
// on its own because bin/pgentra.cjs reaches it from the CommonJS fast path (token.cjs), whose
// copies of the CLI's error classes are not the ones thrown here.
import type { AgentRequestBody } from '../core/agent/client.js';
import { tokenDemand } from '../core/agent/wire.js';
import { openCore } from './core-loader.js';
import { ExitCode, reportError } from './exit-codes.js';
import type { Io } from './io.js';

export async function printTokenFromCache(
  request: Extract<AgentRequestBody, { op: 'token' | 'token-for' }>,
  io: Io,
): Promise<number> {
  try {
    const core = await openCore(io);
    const cluster = request.op === 'token' ? core.cluster(request.cluster) : core.clusterFor(request);
    const result = await core.token(cluster, tokenDemand(request.minValidSec));
    if (result.throttled) io.stderr(`pgentra: warning: ${result.throttled.warning}\n`);
    io.stdout(`${result.token}\n`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io);
  }
}
