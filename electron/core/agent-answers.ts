// How a running core answers the agent's requests: the tray app and `pgentra agent` on their main
// socket, and forwards (`pgentra ssh`, WSL) through theirs. One place, so a token handed to a
// remote is exactly the one `pgentra token` would print here.
import { describeFailure, failureText, PgentraError, type FailureCategory } from './errors.js';
import { tokenDemand } from './agent/wire.js';
import type {
  AgentFailureCode,
  AgentOwner,
  AgentRequest,
  AgentResponse,
  ForwardedCluster,
} from './agent/protocol.js';
import type { ForwardsDeps, ForwardTokenRequest } from './agent/forwards.js';
import type { ClusterToken } from './cluster-tokens.js';
import type { ClusterView, Pgentra } from './pgentra.js';
import type { Clock, FileSystem } from './ports.js';

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

export interface AnswerOptions {
  owner: AgentOwner;
  clock: Clock;
  /** A cluster was found only after reading config.json again: redraw. */
  onConfigChanged?: () => void;
}

type AnsweredHere = Exclude<AgentRequest, { op: 'forward-open' }> | ForwardTokenRequest;

/** The core's answer to a token, ping or status request. */
export function answerFromCore(core: Pgentra, options: AnswerOptions) {
  return async (request: AnsweredHere): Promise<AgentResponse> => {
    if (request.op === 'ping') return { ok: true, pong: true, pid: process.pid, owner: options.owner };
    if (request.op === 'status') return { ok: true, status: await core.status() };
    try {
      const find = () => (request.op === 'token' ? core.cluster(request.cluster) : core.clusterFor(request));
      let cluster;
      try {
        cluster = find();
      } catch {
        // Perhaps added by `pgentra cluster add` since we last read the config.
        if (await core.reload()) options.onConfigChanged?.();
        await core.trackClusters();
        cluster = find();
      }
      const { token, expiresAt, throttled } = await tokenWithinWait(core, cluster, request, options.clock);
      return { ok: true, token, expiresAt, ...(throttled ? { warning: throttled.warning } : {}) };
    } catch (error) {
      return agentFailure(error);
    }
  };
}

/** A PEM roots file bigger than this is not a roots file (Azure's are a few kB). */
const MAX_ROOTS_BYTES = 512 * 1024;

/** What a forward tells a remote about a cluster: where to connect and how to check the server. */
export async function forwardedFacts(core: Pgentra, fs: FileSystem, name: string): Promise<ForwardedCluster> {
  const target = await core.connectionTarget(name, { ensureToken: false });
  let rootcert: ForwardedCluster['rootcert'];
  if (target.sslrootcert === 'system') rootcert = { system: true };
  else if (target.sslrootcert) {
    const pem = (await fs.readFile(target.sslrootcert)).toString('utf8');
    if (pem.length > MAX_ROOTS_BYTES || !pem.includes('-----BEGIN CERTIFICATE-----'))
      throw new PgentraError(
        'tls-roots-missing',
        `${target.sslrootcert} is not a PEM roots file, so it cannot be sent to the remote`,
      );
    rootcert = { pem };
  }
  return {
    name,
    host: target.host,
    ...(target.hostaddr ? { hostaddr: target.hostaddr } : {}),
    port: target.port,
    database: target.database,
    user: target.user,
    sslmode: target.sslmode,
    ...(rootcert ? { rootcert } : {}),
  };
}

/** Everything a Forwards registry needs from a core, besides where it listens and how it logs. */
export function forwardSources(
  core: Pgentra,
  fs: FileSystem,
  options: AnswerOptions,
): Pick<ForwardsDeps, 'token' | 'clusterNames' | 'clusterFor' | 'facts' | 'owner'> {
  const answer = answerFromCore(core, options);
  return {
    owner: options.owner,
    token: answer,
    clusterNames: () => core.clusters().map((cluster) => cluster.name),
    clusterFor: (target) => {
      try {
        return core.clusterFor(target).name;
      } catch {
        return undefined;
      }
    },
    facts: (name) => forwardedFacts(core, fs, name),
  };
}
