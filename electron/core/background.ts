// What runs while the tray app or `pgentra agent` is up: the engine's scheduler, the pgpass sink
// (rewrites the file when a token changes, debounced), the agent socket for `pgentra token`, and
// a periodic config reload so clusters added and sign-ins made from the CLI are picked up.
import type { ForwardSnapshot } from '../shared/forwards.js';
import { agentFailure, answerFromCore, forwardSources } from './agent-answers.js';
import { ForwardRefusedError, Forwards } from './agent/forwards.js';
import type { AgentOwner } from './agent/protocol.js';
import { serverEndpoint, startAgentServer, type AgentHandler, type AgentServer } from './agent/server.js';
import { isPgentraError } from './errors.js';
import type { Pgentra } from './pgentra.js';
import type { Clock, FileSystem } from './ports.js';

export { AGENT_CODE_BY_CATEGORY, agentFailure, MAX_THROTTLE_WAIT_MS } from './agent-answers.js';

export interface BackgroundOptions {
  configDir: string;
  env: NodeJS.ProcessEnv;
  serveAgent: boolean;
  /** Who serves the agent socket, told to a second agent that would start beside us. */
  owner: AgentOwner;
  log: (message: string) => void;
  configReloadMs?: number;
  /** Timers for the config reload (the tests drive time). */
  clock: Clock;
  /**
   * Called when config.json or `sign-in-state.json` changed under us (a cluster added from the
   * CLI, a sign-in the CLI found gone): redraw.
   */
  onConfigChanged?: () => void;
  /** A forward opened, closed or answered a request: redraw what shows forwards. */
  onForwardsChanged?: () => void;
  /** Reads the roots files whose PEM text forwards send to remotes. */
  fs: FileSystem;
}

export interface Background {
  agentAddress?: string;
  /** Forwards open now and what came through them (no tokens), for the tray. */
  forwards(): ForwardSnapshot[];
  stop(): Promise<void>;
}

export async function startBackground(core: Pgentra, options: BackgroundOptions): Promise<Background> {
  const { log, clock } = options;
  const offs = [
    core.onTokens('token-updated', (state) => {
      log(
        `token refreshed for ${state.resource} (valid until ${new Date(state.expiresAt ?? 0).toISOString()})`,
      );
      core.syncPgpassSoon(log);
    }),
    core.onTokens('needs-sign-in', (state) =>
      log(`sign-in needed for ${state.resource}: ${state.lastError?.message ?? ''} Run \`pgentra login\`.`),
    ),
    core.onTokens('refresh-failed', (state) =>
      log(
        `refresh failed for ${state.resource} (attempt ${state.consecutiveFailures}): ${state.lastError?.message ?? 'unknown error'}; keeping the current token while it is valid`,
      ),
    ),
  ];

  // A person fixing config.json watches this log: each invalid entry, at start and after each change.
  const logConfigProblems = () => {
    for (const line of core.configProblemLines()) log(`config: ${line}`);
  };
  logConfigProblems();
  const logError = (what: string) => (error: unknown) =>
    log(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  await core.trackClusters().catch(logError('accounts'));
  await core.noticeSignInsElsewhere().catch(logError('accounts'));
  // Clusters configured before the service file existed (or edited by hand) reach it now.
  await core.followServiceFile();
  core.startRefreshing();

  let server: AgentServer | undefined;
  let forwards: Forwards | undefined;
  if (options.serveAgent) {
    const answerOptions = { owner: options.owner, clock, onConfigChanged: options.onConfigChanged };
    const answer = answerFromCore(core, answerOptions);
    const endpoint = await serverEndpoint(options.configDir, options.env);
    const opened = new Forwards({
      endpoint,
      clock,
      log,
      onChange: options.onForwardsChanged,
      ...forwardSources(core, options.fs, answerOptions),
    });
    const serveRequest: AgentHandler = async (request, session) => {
      if (request.op !== 'forward-open') return answer(request);
      try {
        const lease = await opened.start(request);
        // The forward lives exactly as long as the connection of whoever opened it.
        session.hold(() => void opened.close(lease.id));
        return { ok: true, forward: lease };
      } catch (error) {
        if (error instanceof ForwardRefusedError) return { ok: false, code: 'usage', message: error.message };
        return agentFailure(error);
      }
    };
    try {
      server = await startAgentServer(endpoint, serveRequest);
      forwards = opened;
      log(`agent: serving tokens on ${server.address}`);
    } catch (error) {
      // A folder planted at the socket's path must not stop tokens being refreshed: go on
      // without the socket and say how to get it back.
      if (!isPgentraError(error) || error.code !== 'agent-socket-unsafe') throw error;
      log(`agent: ${error.message}`);
    }
  }

  // Config reloads run one after another on the injected clock (a slow disk never stacks them).
  let stopped = false;
  let cancelReload = (): void => undefined;
  const scheduleReload = (): void => {
    cancelReload = clock.setTimeout(() => {
      core
        .reload()
        .then(async (changed) => {
          if (changed) {
            logConfigProblems();
            options.onConfigChanged?.();
            await core.followServiceFile();
          }
          return core.trackClusters();
        })
        .then(() => core.noticeSignInsElsewhere())
        .then((signInsChanged) => {
          if (signInsChanged) options.onConfigChanged?.();
        })
        .catch(logError('config'))
        .finally(() => {
          if (!stopped) scheduleReload();
        });
    }, options.configReloadMs ?? 15_000);
  };
  scheduleReload();

  return {
    agentAddress: server?.address,
    forwards: () => forwards?.snapshot() ?? [],
    async stop() {
      stopped = true;
      cancelReload();
      core.stopPgpassSync();
      for (const off of offs) off();
      core.stopRefreshing();
      await forwards?.closeAll();
      await server?.close();
    },
  };
}
