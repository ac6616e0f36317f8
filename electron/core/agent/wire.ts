// The agent protocol's constants and answer shapes, without zod: the CLI's `pgentra token` fast
// path imports only this (requests are validated with zod on the agent side, in protocol.ts).
import type { ClusterStatus } from '../../shared/token-status.js';

export const AGENT_PROTOCOL_VERSION = 1;
/** Requests are tiny; anything bigger is not from our CLI. */
export const MAX_REQUEST_BYTES = 8 * 1024;

/** Mirrors the CLI exit codes so the client can exit exactly as the direct path would. */
export type AgentFailureCode = 'usage' | 'needs-sign-in' | 'unreachable' | 'config' | 'internal';

/** What serves the socket: the tray app or `pgentra agent`. */
export type AgentOwner = 'tray' | 'agent';

/** One row of `pgentra status`: the core's own type, which costs the light client nothing. */
export type AgentStatusRow = ClusterStatus;

export type AgentResponse =
  | { ok: true; token: string; expiresAt: number }
  | { ok: true; status: AgentStatusRow[] }
  /** `owner`: who serves, so a second agent can say "the tray app runs" rather than a bare pid. */
  | { ok: true; pong: true; pid: number; owner?: AgentOwner }
  | { ok: false; code: AgentFailureCode; message: string };
