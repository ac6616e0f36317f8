// The agent protocol's constants and answer shapes, without zod: the CLI's `pgentra token` fast
// path imports only this (requests are validated with zod on the agent side, in protocol.ts).
import type { ClusterStatus } from '../../shared/token-status.js';
import type { GetTokenOptions } from '../engine/types.js';

export const AGENT_PROTOCOL_VERSION = 1;
/** Requests are tiny; anything bigger is not from our CLI. */
export const MAX_REQUEST_BYTES = 8 * 1024;
/**
 * The longest answer a client reads: a forward's cluster list carries the roots' PEM text, which
 * is the only answer bigger than a token. A peer sending more is not our agent.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** Mirrors the CLI exit codes so the client can exit exactly as the direct path would. */
export type AgentFailureCode = 'usage' | 'needs-sign-in' | 'unreachable' | 'config' | 'internal';

/** What serves the socket: the tray app or `pgentra agent`. */
export type AgentOwner = 'tray' | 'agent';

/** One row of `pgentra status`: the core's own type, which costs the light client nothing. */
export type AgentStatusRow = ClusterStatus;

/**
 * What a remote learns about one cluster through a forward: enough for libpq to connect and to
 * check the server, nothing else (no account, no cloud, no settings).
 */
export interface ForwardedCluster {
  name: string;
  host: string;
  hostaddr?: string;
  port: number;
  database: string;
  user: string;
  sslmode: 'verify-full' | 'require' | 'disable';
  /** The roots the server's certificate is checked against: the OS store, or these (public) PEMs. */
  rootcert?: { system: true } | { pem: string };
}

/** A forward as the agent opened it for `pgentra ssh` or `pgentra wsl-relay`. */
export interface ForwardLease {
  id: string;
  /** The forward's own socket (or pipe): only the forward's requests are answered there. */
  address: string;
  label: string;
  /** The clusters allowed through it (already resolved when all were allowed). */
  clusters: string[];
}

export type AgentResponse =
  /** `warning`: why this token is not a fresh one (Entra throttles), for the CLI's stderr. */
  | { ok: true; token: string; expiresAt: number; warning?: string }
  | { ok: true; status: AgentStatusRow[] }
  /** `owner`: who serves, so a second agent can say "the tray app runs" rather than a bare pid. */
  | { ok: true; pong: true; pid: number; owner?: AgentOwner }
  /** Through a forward: the clusters it allows, and the label the desktop knows this forward by. */
  | { ok: true; clusters: ForwardedCluster[]; label: string }
  /** On the main socket: a forward is open while this connection stays open. */
  | { ok: true; forward: ForwardLease }
  /** Through a forward: held open until the forward ends, so a remote agent knows at once. */
  | { ok: true; watching: true }
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
