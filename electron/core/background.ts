// What runs while the tray app or `pgentra agent` is up: the engine's scheduler, the pgpass sink
// (rewrites the file when a token changes, debounced), the agent socket for `pgentra token`, and
// a periodic config reload so clusters added and sign-ins made from the CLI are picked up.
import type { Clock } from './ports.js';
import { describeFailure, failureText, isPgentraError, type FailureCategory } from './errors.js';
import { tokenDemand } from './agent/wire.js';
import type { AgentFailureCode, AgentOwner, AgentRequest, AgentResponse } from './agent/protocol.js';
import { serverEndpoint, startAgentServer, type AgentServer } from './agent/server.js';
import type { ClusterToken } from './cluster-tokens.js';
import type { ClusterView, Pgentra } from './pgentra.js';

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
}

export interface Background {
  agentAddress?: string;
  stop(): Promise<void>;
}

/** The one place a failure category becomes the agent protocol's failure code. */
export const AGENT_CODE_BY_CATEGORY = {
  'needs-sign-in': 'needs-sign-in',
  unreachable: 'unreachable',
  config: 'config',
  'not-found': 'usage',
  'invalid-input': 'usage',
  'local-file': 'config',
  launch: 'config',
  internal: 'internal',
} as const satisfies Record<FailureCategory, AgentFailureCode>;

export function agentFailure(error: unknown): AgentResponse {
  return {
    ok: false,
    code: AGENT_CODE_BY_CATEGORY[describeFailure(error).category],
    message: failureText(error),
  };
}

/**
 * How long the agent holds an answer while Entra throttles: a Retry-After this short is waited
 * out and asked once more, so pgAdmin gets a fresh token instead of an error. Well inside the
 * 10 s the CLI waits for the agent before it gives up and asks Entra itself (in the throttle).
 */
export const MAX_THROTTLE_WAIT_MS = 5_000;

async function tokenWithinWait(
  core: Pgentra,
  cluster: ClusterView,
  request: { minValidSec?: number },
  clock: Clock,
): Promise<ClusterToken> {
  const demand = tokenDemand(request.minValidSec);
  let retryAfterSec: number | undefined;
  try {
    const first = await core.token(cluster, demand);
    if (!first.throttled) return first;
    retryAfterSec = first.throttled.retryAfterSec;
    if (retryAfterSec === undefined || retryAfterSec * 1000 > MAX_THROTTLE_WAIT_MS) return first;
  } catch (error) {
    retryAfterSec =
      describeFailure(error).code === 'throttled' ? describeFailure(error).details.retryAfterSec : undefined;
    if (retryAfterSec === undefined || retryAfterSec * 1000 > MAX_THROTTLE_WAIT_MS) throw error;
  }
  await new Promise<void>((resolve) => clock.setTimeout(resolve, retryAfterSec * 1000));
  return core.token(cluster, demand);
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
  if (options.serveAgent) {
    const serveRequest = async (request: AgentRequest): Promise<AgentResponse> => {
      if (request.op === 'ping') return { ok: true, pong: true, pid: process.pid, owner: options.owner };
      if (request.op === 'status') return { ok: true, status: await core.status() };
      try {
        const find = () =>
          request.op === 'token' ? core.cluster(request.cluster) : core.clusterFor(request);
        let cluster;
        try {
          cluster = find();
        } catch {
          // Perhaps added by `pgentra cluster add` since we last read the config.
          if (await core.reload()) options.onConfigChanged?.();
          await core.trackClusters();
          cluster = find();
        }
        const { token, expiresAt, throttled } = await tokenWithinWait(core, cluster, request, clock);
        return { ok: true, token, expiresAt, ...(throttled ? { warning: throttled.warning } : {}) };
      } catch (error) {
        return agentFailure(error);
      }
    };
    try {
      server = await startAgentServer(await serverEndpoint(options.configDir, options.env), serveRequest);
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
    async stop() {
      stopped = true;
      cancelReload();
      core.stopPgpassSync();
      for (const off of offs) off();
      core.stopRefreshing();
      await server?.close();
    },
  };
}
