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

/**
 * How urgent a cluster's state is, as the tray badge and the window's status dot show it. Several
 * token states share one level (an expired token and a failed refresh both need a look).
 */
export type StatusLevel = 'fresh' | 'refreshing' | 'expiring' | 'needs-sign-in' | 'error' | 'idle';

/** Every level, most urgent first: the order the tray picks the icon by. */
export const STATUS_LEVELS: readonly StatusLevel[] = [
  'needs-sign-in',
  'error',
  'expiring',
  'refreshing',
  'fresh',
  'idle',
];

export interface LevelStyle {
  /** What the level is called where a person reads it (legends, screen readers, icon alt text). */
  name: string;
  /**
   * #rrggbb: the tray badge's fill behind white digits, and the status colour on light
   * backgrounds; every one is ≥ 4.5:1 against white both ways.
   */
  colour: string;
  /** #rrggbb: the same colour for text or dots on dark backgrounds (≥ 4.5:1 against #202020). */
  colourOnDark: string;
}

/** One table for the tray and the window, so the same state never looks different in the two. */
export const LEVEL_STYLES: Readonly<Record<StatusLevel, LevelStyle>> = {
  fresh: { name: 'Fresh', colour: '#2e7d32', colourOnDark: '#66bb6a' },
  refreshing: { name: 'Refreshing', colour: '#1565c0', colourOnDark: '#64b5f6' },
  expiring: { name: 'Expiring soon', colour: '#b24f00', colourOnDark: '#ffa040' },
  'needs-sign-in': { name: 'Sign-in needed', colour: '#c62828', colourOnDark: '#ff7a7a' },
  error: { name: 'Refresh failed', colour: '#8e24aa', colourOnDark: '#d68ff0' },
  idle: { name: 'Nothing to refresh', colour: '#616161', colourOnDark: '#b0b0b0' },
};

/** A cluster's state as one short label, the same words in the tray menu and the window's list. */
export const STATUS_LABELS: Readonly<Record<ClusterTokenStatus, string>> = {
  pending: 'waiting for a token',
  fresh: 'fresh',
  refreshing: 'refreshing…',
  expiring: 'refresh due',
  expired: 'expired',
  'needs-sign-in': 'sign-in needed',
  error: 'refresh failed',
  'no-account': 'not signed in',
};

/** The level a single cluster's state shows as (the tray combines all clusters in tray-model.ts). */
export function levelOf(status: ClusterTokenStatus): StatusLevel {
  switch (status) {
    case 'no-account':
    case 'needs-sign-in':
      return 'needs-sign-in';
    case 'error':
    case 'expired':
      return 'error';
    case 'pending':
      return 'idle';
    default:
      return status;
  }
}

/** "#2e7d32" → [0x2e, 0x7d, 0x32], for code that draws pixels. */
export function rgbOf(hex: string): readonly [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}
