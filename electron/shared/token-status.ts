// Where a token stands, as the engine tracks it and every face shows it (window, tray, `pgentra
// status` directly or through the agent). One list, so a new state cannot reach one face unlabelled.
export type TokenStatus =
  'pending' | 'fresh' | 'refreshing' | 'expiring' | 'expired' | 'needs-sign-in' | 'error';

/** A cluster's state: its token's, or `no-account` while no signed-in account fits it (no token to track). */
export type ClusterTokenStatus = TokenStatus | 'no-account';

/** One cluster's row in `pgentra status`, the agent's answer and the window (never the token). */
export interface ClusterStatus {
  name: string;
  state: ClusterTokenStatus;
  expiresAt: string | null;
  secondsLeft: number | null;
  account: string | null;
  error: string | null;
  entraCode: string | null;
  /** Set when the cluster's connections do not verify the server (TLS `require`, an explicit opt-in). */
  warning: string | null;
}
