// The headless refresher behind `pgentra agent` and `pgentra pgpass sync --watch`: the engine's
// scheduler keeps tokens fresh, a debounced sink rewrites the pgpass file when one changes, and
// (for the agent) the local socket answers `pgentra token`.
import { AuthError, adviceFor } from '../core/auth/errors.js';
import { agentEndpoint } from '../core/agent/paths.js';
import type { AgentResponse } from '../core/agent/protocol.js';
import { startAgentServer, type AgentServer } from '../core/agent/server.js';
import { resolveConfigDir } from '../core/config-dir.js';
import type { Pgentra } from '../core/pgentra.js';
import { ExitCode } from './exit-codes.js';
import type { Io } from './io.js';

const CONFIG_RELOAD_MS = 15_000;
const PGPASS_DEBOUNCE_MS = 200;

function failure(error: unknown): AgentResponse {
  if (error instanceof AuthError) {
    const code = error.kind === 'needs-sign-in' || error.kind === 'interaction-required' ? 'needs-sign-in' : error.kind === 'network' || error.kind === 'throttled' ? 'unreachable' : error.kind === 'unknown' ? 'internal' : 'config';
    return { ok: false, code, message: `${error.message} ${adviceFor(error.kind)}` };
  }
  if (error instanceof Error && (error.name === 'ClusterNotFoundError' || error.name === 'ClusterValidationError')) return { ok: false, code: 'usage', message: error.message };
  return { ok: false, code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

export async function runBackground(core: Pgentra, io: Io, options: { serveAgent: boolean }): Promise<number> {
  const log = (message: string) => io.stderr(`${new Date().toISOString()} ${message}\n`);
  const pgpassOn = core.settings.pgpass.enabled;
  let pending: NodeJS.Timeout | undefined;
  const syncSoon = () => {
    if (!pgpassOn) return;
    clearTimeout(pending);
    pending = setTimeout(() => {
      core.syncPgpass({ userAction: false, onlyCached: true }).then(
        (report) => report.changed && log(`pgpass: updated ${report.path} (${report.written} clusters)`),
        (error: unknown) => log(`pgpass: not updated: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, PGPASS_DEBOUNCE_MS);
  };

  core.engine.on('token-updated', (state) => {
    log(`token refreshed for ${state.resource} (valid until ${new Date(state.expiresAt ?? 0).toISOString()})`);
    syncSoon();
  });
  core.engine.on('needs-sign-in', (state) => log(`sign-in needed for ${state.resource}: ${state.lastError?.message ?? ''} Run \`pgentra login\`.`));
  core.engine.on('refresh-failed', (state) => log(`refresh failed for ${state.resource} (attempt ${state.consecutiveFailures}): ${state.lastError?.message ?? 'unknown error'}; keeping the current token while it is valid`));

  await core.trackClusters();
  core.engine.start();

  let server: AgentServer | undefined;
  if (options.serveAgent) {
    const endpoint = agentEndpoint(resolveConfigDir(io.env));
    server = await startAgentServer(endpoint, async (request) => {
      if (request.op === 'ping') return { ok: true, pong: true, pid: process.pid };
      try {
        const find = () => (request.op === 'token' ? core.cluster(request.cluster) : core.clusterFor(request));
        let cluster;
        try {
          cluster = find();
        } catch {
          // Added by `pgentra cluster add` since we last read the config.
          await core.reload();
          await core.trackClusters();
          cluster = find();
        }
        const { token, expiresAt } = await core.token(cluster, { minValidSec: request.minValidSec ?? 300, userAction: true });
        return { ok: true, token, expiresAt };
      } catch (error) {
        return failure(error);
      }
    });
    log(`agent: serving tokens on ${server.address}`);
  }
  log(`keeping ${core.clusters().length} cluster(s) fresh${pgpassOn ? ` in ${core.pgpassPath()}` : ''}; stop with Ctrl-C`);

  const reload = setInterval(() => {
    core
      .reload()
      .then(() => core.trackClusters())
      .catch((error: unknown) => log(`config: ${error instanceof Error ? error.message : String(error)}`));
  }, CONFIG_RELOAD_MS);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(reload);
  clearTimeout(pending);
  core.engine.stop();
  await server?.close();
  log('stopped');
  return ExitCode.ok;
}
