// The agent's wire format: one JSON request line, one JSON response line, then close. Versioned so
// an older CLI talking to a newer tray gets a clear error instead of a misread.
import { z } from 'zod';
import { clusterNameSchema } from '../../shared/cluster-name.js';
import { AGENT_PROTOCOL_VERSION } from './wire.js';

export {
  AGENT_PROTOCOL_VERSION,
  MAX_ANSWER_BYTES,
  MAX_REQUEST_BYTES,
  type AgentFailureCode,
  type ForwardedCluster,
  type ForwardLease,
  type AgentOwner,
  type AgentResponse,
  type AgentStatusRow,
} from './wire.js';

const versioned = z.object({
  v: z.literal(AGENT_PROTOCOL_VERSION),
  /** Windows: the agent answers with an HMAC of it under the key only this user can read. */
  challenge: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
});
const minValidSec = z
  .number()
  .int()
  .min(0)
  .max(24 * 3600)
  .optional();

const tokenByCluster = versioned.extend({
  op: z.literal('token'),
  cluster: clusterNameSchema,
  minValidSec,
});

const tokenByTarget = versioned.extend({
  op: z.literal('token-for'),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1).max(1024),
  minValidSec,
});

const ping = versioned.extend({ op: z.literal('ping') });
const status = versioned.extend({ op: z.literal('status') });

/** A forward's label: shown in the tray and the log, so printable and short. */
export const forwardLabelSchema = z
  .string()
  .regex(
    /^[\w.@:+-]{1,64}$/,
    'use 1–64 letters, digits or . _ - @ : + (it is shown in the tray and the log)',
  );

/**
 * On the main socket only: open a forward (`pgentra ssh`, `pgentra wsl-relay`). It lives as long
 * as this connection; `clusters` absent means every configured cluster.
 */
const forwardOpen = versioned.extend({
  op: z.literal('forward-open'),
  label: forwardLabelSchema,
  clusters: z.array(clusterNameSchema).min(1).max(200).optional(),
  ratePerMinute: z.number().int().min(1).max(6000).optional(),
});

export const agentRequestSchema = z.discriminatedUnion('op', [
  tokenByCluster,
  tokenByTarget,
  ping,
  status,
  forwardOpen,
]);
export type AgentRequest = z.infer<typeof agentRequestSchema>;

/** The ops a forward answers: tokens of allowed clusters, their connection facts, and liveness. */
export const FORWARD_OPS = ['token', 'token-for', 'clusters', 'ping', 'watch'] as const;

export const forwardRequestSchema = z.discriminatedUnion('op', [
  tokenByCluster,
  tokenByTarget,
  ping,
  versioned.extend({ op: z.literal('clusters') }),
  versioned.extend({ op: z.literal('watch') }),
]);
export type ForwardRequest = z.infer<typeof forwardRequestSchema>;
