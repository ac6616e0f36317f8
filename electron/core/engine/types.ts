// What the token engine promises its users: keys, states and events (never a token), the source
// it asks for tokens, and its options. Kept apart from the engine so sinks and sources depend on
// the contract, not on the scheduler.
import type { AuthErrorKind } from '../errors.js';
import type { Clock } from '../ports.js';
import type { TokenStatus } from '../../shared/token-status.js';

export interface TokenKey {
  accountId: string;
  resource: string;
  /** The tenant to ask, when not the account's own (guest access to another tenant's server). */
  tenant?: string;
}

export interface AcquiredToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Epoch ms; the engine uses it to place the 25 %-of-lifetime refresh point. */
  issuedAt: number;
}

/** Where tokens come from (MSAL in the product, a fake in unit tests). */
export interface TokenSource {
  acquire(request: TokenKey & { forceRefresh: boolean }): Promise<AcquiredToken>;
}

export interface TokenProblem {
  kind: AuthErrorKind;
  message: string;
  entraCode?: string;
}

/** What the UI and `status` see: never the token itself. */
export interface TokenState extends TokenKey {
  status: TokenStatus;
  expiresAt?: number;
  issuedAt?: number;
  lastRefreshAt?: number;
  nextRefreshAt?: number;
  lastError?: TokenProblem;
  consecutiveFailures: number;
}

export interface EngineEvents {
  'token-updated': (state: TokenState) => void;
  'needs-sign-in': (state: TokenState) => void;
  'refresh-failed': (state: TokenState) => void;
  'state-changed': (state: TokenState) => void;
}

export interface EngineOptions {
  source: TokenSource;
  clock: Clock;
  /** Refresh this long before expiry (or at 25 % of lifetime left, whichever is earlier). */
  refreshMarginSec?: number;
  /** At most one request per key per this many seconds, except when a user asks. */
  minSpacingSec?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How often the scheduler compares wall and monotonic clocks to catch sleep and clock changes. */
  clockCheckMs?: number;
  random?: () => number;
}

export interface GetTokenOptions {
  /** The token must stay valid at least this long; below it the engine refreshes first. */
  minValidSec?: number;
  /**
   * The caller cannot use a shorter token (a script's or pgAdmin's explicit --min-valid): when a
   * fresh token from Entra is still shorter, fail with `min-valid-unmet` instead of returning it.
   * Without it the freshest token there is comes back, however short.
   */
  strictMinValid?: boolean;
  /** A person asked (menu click, CLI run): skip the request-spacing rule. */
  userAction?: boolean;
}
