// The agent's wire format: one JSON request line, one JSON response line, then close. Versioned so
// an older CLI talking to a newer tray gets a clear error instead of a misread.
import { z } from 'zod';
import { clusterNameSchema } from '../../shared/cluster-name.js';
import { AGENT_PROTOCOL_VERSION } from './wire.js';

export {
  AGENT_PROTOCOL_VERSION,
  MAX_REQUEST_BYTES,
  type AgentFailureCode,
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

export const agentRequestSchema = z.discriminatedUnion('op', [tokenByCluster, tokenByTarget, ping, status]);
export type AgentRequest = z.infer<typeof agentRequestSchema>;
