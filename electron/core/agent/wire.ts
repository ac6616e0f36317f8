// The agent protocol's constants and answer shapes, without zod: the CLI's `pgentra token` fast
// path imports only this (requests are validated with zod on the agent side, in protocol.ts).
import type { ClusterStatus } from '../../shared/token-status.js';
import type { GetTokenOptions } from '../engine/types.js';

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
  /** `warning`: why this token is not a fresh one (Entra throttles), for the CLI's stderr. */
  | { ok: true; token: string; expiresAt: number; warning?: string }
  | { ok: true; status: AgentStatusRow[] }
  /** `owner`: who serves, so a second agent can say "the tray app runs" rather than a bare pid. */
  | { ok: true; pong: true; pid: number; owner?: AgentOwner }
  | { ok: false; code: AgentFailureCode; message: string };

/** What `pgentra token` asks for when no --min-valid is given. */
export const DEFAULT_MIN_VALID_SEC = 300;

/**
 * A token request's `minValidSec` as the engine takes it: given, it is a demand (a script or
 * pgAdmin relies on it: refuse rather than hand out less); absent, the default is best effort.
 */
export function tokenDemand(minValidSec: number | undefined): GetTokenOptions {
  return minValidSec === undefined
    ? { minValidSec: DEFAULT_MIN_VALID_SEC, userAction: true }
    : { minValidSec, strictMinValid: true, userAction: true };
}
