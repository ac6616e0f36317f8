// The remote side of a forward: what `pgentra env`, `psql`, `pgpass sync` and `agent --from-forward`
// ask the desktop through the socket PGENTRA_AGENT names. Everything that comes back is checked
// here (it crossed a network), and each failure becomes an error a person on the remote can act on.
import { z } from 'zod';
import { clusterNameSchema } from '../../shared/cluster-name.js';
import { PgentraError, type FailureCode } from '../errors.js';
import { printable } from '../printable.js';
import { askAgent, holdAgent, type AgentRequestBody } from './client.js';
import type { AgentEndpoint } from './paths.js';
import type { AgentFailureCode, AgentResponse, ForwardedCluster } from './protocol.js';

const hostSchema = z.string().regex(/^[A-Za-z0-9.:_-]{1,255}$/, 'not a host name or address');
const libpqValue = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[^\0\n\r]+$/, 'holds a line break');

const forwardedClusterSchema = z.object({
  name: clusterNameSchema,
  host: hostSchema,
  hostaddr: hostSchema.optional(),
  port: z.number().int().min(1).max(65535),
  database: libpqValue,
  user: libpqValue,
  sslmode: z.enum(['verify-full', 'require', 'disable']),
  rootcert: z
    .union([
      z.object({ system: z.literal(true) }),
      z.object({
        pem: z
          .string()
          .min(1)
          .max(512 * 1024)
          .includes('-----BEGIN CERTIFICATE-----'),
      }),
    ])
    .optional(),
}) satisfies z.ZodType<ForwardedCluster>;

const labelSchema = z.string().max(64);

/** How a refusal or failure on the desktop reaches a person here: the exit code follows it. */
const CODE_FOR: Record<AgentFailureCode, FailureCode> = {
  usage: 'forward-refused',
  config: 'forward-refused',
  // The desktop's own message says where to sign in or what failed there.
  'needs-sign-in': 'needs-sign-in',
  unreachable: 'agent-failed',
  internal: 'agent-failed',
};

export interface ForwardedToken {
  token: string;
  expiresAt: number;
}

export class ForwardClient {
  constructor(
    readonly endpoint: AgentEndpoint,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  /** The clusters this forward allows, with their connection facts. */
  async clusters(): Promise<{ label: string; clusters: ForwardedCluster[] }> {
    const answer = await this.ask({ op: 'clusters' });
    if (!('clusters' in answer)) throw this.unexpected();
    const clusters: ForwardedCluster[] = [];
    for (const [index, raw] of answer.clusters.entries()) {
      const parsed = forwardedClusterSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new PgentraError(
          'agent-protocol',
          `the desktop sent an invalid cluster (entry ${index + 1}, field "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'})`,
        );
      }
      clusters.push(parsed.data);
    }
    return { label: labelSchema.catch('?').parse(answer.label), clusters };
  }

  async cluster(name: string): Promise<ForwardedCluster> {
    const { label, clusters } = await this.clusters();
    const found = clusters.find((cluster) => cluster.name === name);
    if (found) return found;
    throw new PgentraError(
      'forward-refused',
      `the forward "${printable(label)}" does not allow a cluster named "${name}" (allowed: ${clusters.map((c) => c.name).join(', ') || 'none'})`,
    );
  }

  async token(name: string, minValidSec?: number): Promise<ForwardedToken> {
    const answer = await this.ask({ op: 'token', cluster: name, minValidSec });
    if (!('token' in answer) || !/^[\x21-\x7e]{1,16384}$/.test(answer.token)) throw this.unexpected();
    if (answer.warning) this.warn(printable(answer.warning));
    return { token: answer.token, expiresAt: answer.expiresAt };
  }

  /** Resolves when the forward ends (its connection closed, or it never answered). */
  async ended(): Promise<void> {
    const held = await holdAgent(this.endpoint, { op: 'watch' }, { warn: this.warn });
    if (!held?.answer.ok) return;
    await held.ended;
  }

  private async ask(request: AgentRequestBody): Promise<Exclude<AgentResponse, { ok: false }>> {
    const answer = await askAgent(this.endpoint, request, { warn: this.warn });
    if (answer === null)
      throw new PgentraError(
        'forward-gone',
        `PGENTRA_AGENT names ${this.endpoint.address}, but nothing answers there: the forward from your desktop has ended`,
      );
    if (!answer.ok)
      throw new PgentraError(CODE_FOR[answer.code], printable(answer.message, { multiline: true }));
    return answer;
  }

  private unexpected(): PgentraError {
    return new PgentraError(
      'agent-protocol',
      'the desktop pgentra sent an unexpected answer through the forward',
    );
  }
}
