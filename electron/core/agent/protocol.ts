// The agent's wire format: one JSON request line, one JSON response line, then close. Versioned so
// an older CLI talking to a newer tray gets a clear error instead of a misread.
import { z } from 'zod';

export const AGENT_PROTOCOL_VERSION = 1;
/** Requests are tiny; anything bigger is not from our CLI. */
export const MAX_REQUEST_BYTES = 8 * 1024;

const tokenByCluster = z.object({
  v: z.literal(AGENT_PROTOCOL_VERSION),
  op: z.literal('token'),
  cluster: z.string().min(1).max(64),
  minValidSec: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600)
    .optional(),
});

const tokenByTarget = z.object({
  v: z.literal(AGENT_PROTOCOL_VERSION),
  op: z.literal('token-for'),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1).max(1024),
  minValidSec: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600)
    .optional(),
});

const ping = z.object({ v: z.literal(AGENT_PROTOCOL_VERSION), op: z.literal('ping') });

export const agentRequestSchema = z.discriminatedUnion('op', [tokenByCluster, tokenByTarget, ping]);
export type AgentRequest = z.infer<typeof agentRequestSchema>;

/** Mirrors the CLI exit codes so the client can exit exactly as the direct path would. */
export type AgentFailureCode = 'usage' | 'needs-sign-in' | 'unreachable' | 'config' | 'internal';

export type AgentResponse =
  | { ok: true; token: string; expiresAt: number }
  | { ok: true; pong: true; pid: number }
  | { ok: false; code: AgentFailureCode; message: string };
