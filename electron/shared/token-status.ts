// Where a token stands, as the engine tracks it and every face shows it (window, tray, `pgentra
// status` directly or through the agent). One list, so a new state cannot reach one face unlabelled.
export type TokenStatus =
  'pending' | 'fresh' | 'refreshing' | 'expiring' | 'expired' | 'needs-sign-in' | 'error';

/** A cluster's state: its token's, or `no-account` while no signed-in account fits it (no token to track). */
export type ClusterTokenStatus = TokenStatus | 'no-account';
