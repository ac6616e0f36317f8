// Forwards: the agent answering a remote machine (`pgentra ssh`, WSL) on a socket of its own, one
// per connection, never the main one. Through a forward only the tokens and connection facts of
// the clusters it allows can be asked for, at a limited rate; every request is recorded with the
// forward's label, so the tray can show who fetched what and the log says who was refused.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ForwardOutcome, ForwardRequestRecord, ForwardSnapshot } from '../../shared/forwards.js';
import { PgentraError } from '../errors.js';
import type { Clock } from '../ports.js';
import type { AgentEndpoint } from './paths.js';
import {
  FORWARD_OPS,
  forwardRequestSchema,
  type AgentOwner,
  type AgentResponse,
  type ForwardedCluster,
  type ForwardLease,
  type ForwardRequest,
} from './protocol.js';
import { RateLimit } from './rate-limit.js';
import { startSocketServer, type AgentServer, type AgentSession } from './server.js';

export type ForwardTokenRequest = Extract<ForwardRequest, { op: 'token' | 'token-for' }>;

export interface ForwardsDeps {
  /** The main agent endpoint: forwards live beside it (same private folder, same Windows key). */
  endpoint: AgentEndpoint;
  clock: Clock;
  log: (message: string) => void;
  owner: AgentOwner;
  /** The agent's own answer to a token request (the forward has already allowed it). */
  token: (request: ForwardTokenRequest) => Promise<AgentResponse>;
  clusterNames: () => string[];
  /** The configured cluster a host/port/user names, or undefined. */
  clusterFor: (target: { host: string; port: number; user: string }) => string | undefined;
  facts: (name: string) => Promise<ForwardedCluster>;
  onChange?: () => void;
}

export interface ForwardPolicy {
  label: string;
  /** Absent: every cluster configured now. */
  clusters?: string[];
  ratePerMinute?: number;
}

/** Enough for pgAdmin opening a dozen connections at once and a psql `\c` loop; not a flood. */
export const DEFAULT_FORWARD_RATE_PER_MINUTE = 120;
/** Connections one forward may hold at once (watchers included); more are dropped. */
const MAX_FORWARD_CONNECTIONS = 32;
const RECENT_REQUESTS = 20;

interface ForwardState {
  lease: ForwardLease;
  openedAt: number;
  rate: RateLimit;
  fetched: Map<string, { count: number; lastAt: number }>;
  counts: Record<Exclude<ForwardOutcome, 'ok'>, number>;
  recent: ForwardRequestRecord[];
  /** Rate-limited requests not yet logged: one line per burst, not one per request. */
  unloggedLimited: number;
}

type OpenForward = ForwardState & { server: AgentServer };

export class ForwardRefusedError extends PgentraError {
  override readonly name = 'ForwardRefusedError';
  constructor(message: string) {
    super('forward-refused', message);
  }
}

export class Forwards {
  private readonly open = new Map<string, OpenForward>();

  constructor(private readonly deps: ForwardsDeps) {}

  /** Opens a forward's socket; it answers until `close(id)`. Throws ForwardRefusedError for a bad policy. */
  async start(policy: ForwardPolicy): Promise<ForwardLease> {
    const configured = this.deps.clusterNames();
    const unknown = (policy.clusters ?? []).filter((name) => !configured.includes(name));
    if (unknown.length > 0)
      throw new ForwardRefusedError(
        `no cluster named ${unknown.map((name) => `"${name}"`).join(', ')} to forward (configured: ${configured.join(', ') || 'none'})`,
      );
    const clusters = policy.clusters ? [...new Set(policy.clusters)] : configured;
    const id = randomBytes(8).toString('hex');
    const lease: ForwardLease = { id, address: this.addressFor(id), label: policy.label, clusters };
    const rate = new RateLimit(policy.ratePerMinute ?? DEFAULT_FORWARD_RATE_PER_MINUTE, () =>
      this.deps.clock.now(),
    );
    const forward: ForwardState = {
      lease,
      openedAt: this.deps.clock.now(),
      rate,
      fetched: new Map(),
      counts: { refused: 0, 'rate-limited': 0, failed: 0 },
      recent: [],
      unloggedLimited: 0,
    };
    const server: AgentServer = await startSocketServer(
      {
        address: lease.address,
        proofKey: this.deps.endpoint.proofKey,
        posix: !!this.deps.endpoint.directory,
        schema: forwardRequestSchema,
        refuse: refuseForwardOp,
        maxConnections: MAX_FORWARD_CONNECTIONS,
      },
      (request, session) => this.answer(forward, request, session),
    );
    this.open.set(id, Object.assign(forward, { server }));
    this.deps.log(
      `forward "${lease.label}": open on ${lease.address} for ${clusters.join(', ') || 'no clusters'}`,
    );
    this.deps.onChange?.();
    return lease;
  }

  async close(id: string): Promise<void> {
    const forward = this.open.get(id);
    if (!forward) return;
    this.open.delete(id);
    this.flushLimited(forward);
    await forward.server.close();
    const tokens = [...forward.fetched.values()].reduce((sum, f) => sum + f.count, 0);
    this.deps.log(
      `forward "${forward.lease.label}": closed (${tokens} token(s) handed out, ${forward.counts.refused} refused, ${forward.counts['rate-limited']} over the rate limit)`,
    );
    this.deps.onChange?.();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.close(id)));
  }

  snapshot(): ForwardSnapshot[] {
    return [...this.open.values()].map((forward) => ({
      id: forward.lease.id,
      label: forward.lease.label,
      openedAt: forward.openedAt,
      clusters: [...forward.lease.clusters],
      fetched: [...forward.fetched].map(([cluster, f]) => ({ cluster, ...f })),
      refused: forward.counts.refused,
      rateLimited: forward.counts['rate-limited'],
      failed: forward.counts.failed,
      recent: [...forward.recent],
    }));
  }

  private addressFor(id: string): string {
    const { endpoint } = this.deps;
    if (endpoint.directory) return path.join(endpoint.directory, `fwd-${id}.sock`);
    // A pipe name anyone could list: the random part is not the guard, the key's proof is.
    return `${endpoint.address}-fwd-${id}`;
  }

  private async answer(
    forward: ForwardState,
    request: ForwardRequest,
    session: AgentSession,
  ): Promise<AgentResponse> {
    if (request.op === 'watch') {
      session.hold(() => undefined);
      return { ok: true, watching: true };
    }
    if (request.op === 'ping') return { ok: true, pong: true, pid: process.pid, owner: this.deps.owner };
    const name =
      request.op === 'token'
        ? request.cluster
        : request.op === 'token-for'
          ? (this.deps.clusterFor(request) ?? null)
          : null;
    const op = request.op === 'clusters' ? 'clusters' : 'token';
    const allowed = forward.lease.clusters;
    const limited = forward.rate.take();
    if (!limited.ok) {
      forward.unloggedLimited += 1;
      if (forward.unloggedLimited === 1)
        this.deps.log(
          `forward "${forward.lease.label}": over the rate limit (${forward.rate.perMinute} a minute); refusing until it slows down`,
        );
      this.record(forward, op, name, 'rate-limited');
      return {
        ok: false,
        code: 'unreachable',
        message: `pgentra on the desktop refused this request: more than ${forward.rate.perMinute} a minute came through the forward "${forward.lease.label}"; try again in ${limited.retryAfterSec}s`,
      };
    }
    this.flushLimited(forward);
    if (request.op === 'clusters') {
      try {
        const clusters = await Promise.all(allowed.map((cluster) => this.deps.facts(cluster)));
        this.record(forward, op, null, 'ok');
        return { ok: true, clusters, label: forward.lease.label };
      } catch (error) {
        return this.failed(forward, op, null, error);
      }
    }
    if (name === null || !allowed.includes(name)) {
      const asked =
        request.op === 'token'
          ? `cluster "${request.cluster}"`
          : `${request.user}@${request.host}:${request.port}`;
      this.record(forward, op, name, 'refused');
      this.deps.log(
        `forward "${forward.lease.label}": refused a token for ${asked} (not allowed through this forward)`,
      );
      return {
        ok: false,
        code: 'config',
        message: `pgentra on the desktop refused a token for ${asked}: it is not allowed through the forward "${forward.lease.label}" (allowed: ${allowed.join(', ') || 'none'}). Reconnect with \`pgentra ssh --cluster ${[...allowed, name ?? 'NAME'].join(',')} …\` to allow it.`,
      };
    }
    try {
      const answer = await this.deps.token(request);
      if (!answer.ok) {
        this.record(forward, op, name, 'failed');
        this.deps.log(`forward "${forward.lease.label}": no token for ${name}: ${answer.message}`);
        return answer;
      }
      this.record(forward, op, name, 'ok');
      const seen = forward.fetched.get(name);
      forward.fetched.set(name, { count: (seen?.count ?? 0) + 1, lastAt: this.deps.clock.now() });
      this.deps.log(`forward "${forward.lease.label}": token for ${name}`);
      return answer;
    } catch (error) {
      return this.failed(forward, op, name, error);
    }
  }

  private failed(
    forward: ForwardState,
    op: ForwardRequestRecord['op'],
    cluster: string | null,
    error: unknown,
  ): AgentResponse {
    this.record(forward, op, cluster, 'failed');
    const message = error instanceof Error ? error.message : String(error);
    this.deps.log(`forward "${forward.lease.label}": ${op} failed: ${message}`);
    return { ok: false, code: 'internal', message: `pgentra on the desktop: ${message}` };
  }

  private record(
    forward: ForwardState,
    op: ForwardRequestRecord['op'],
    cluster: string | null,
    outcome: ForwardOutcome,
  ): void {
    if (outcome !== 'ok') forward.counts[outcome] += 1;
    forward.recent.push({ at: this.deps.clock.now(), op, cluster, outcome });
    if (forward.recent.length > RECENT_REQUESTS) forward.recent.shift();
    // A flood must not redraw the tray for every refused request.
    if (outcome !== 'rate-limited') this.deps.onChange?.();
  }

  private flushLimited(forward: ForwardState): void {
    if (forward.unloggedLimited === 0) return;
    this.deps.log(
      `forward "${forward.lease.label}": refused ${forward.unloggedLimited} request(s) over the rate limit in all`,
    );
    forward.unloggedLimited = 0;
  }
}

/** What a forward says to an op it never answers: a clear refusal, not a schema error. */
export function refuseForwardOp(request: unknown): string | undefined {
  const op = (request as { op?: unknown } | null)?.op;
  if (typeof op !== 'string' || (FORWARD_OPS as readonly string[]).includes(op)) return undefined;
  return `"${op.slice(0, 40)}" cannot be asked through a forward: only ${FORWARD_OPS.join(', ')} (tokens and connection facts of the clusters it allows)`;
}
