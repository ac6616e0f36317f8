// How a token's state looks wherever a person sees it: the words for each state, its level and
// that level's colour (the tray badge and the window's state dot and badge use the same ones), and
// the time left as text. One module, so the tray and the window cannot drift apart.
import type { ClusterTokenStatus } from './token-status.js';

/** How urgent a state is: picks the colour. The tray shows the most urgent one of all clusters. */
export type TokenLevel = 'fresh' | 'refreshing' | 'expiring' | 'needs-sign-in' | 'error' | 'idle';

/** Colours per level, chosen for white text at ≥ 4.5:1 contrast (tray badge, window badge). */
export const LEVEL_COLOURS: Readonly<Record<TokenLevel, `#${string}`>> = {
  fresh: '#2e7d32',
  refreshing: '#1565c0',
  expiring: '#b24f00',
  'needs-sign-in': '#c62828',
  error: '#8e24aa',
  idle: '#616161',
};

/** A cluster's state in words, the same in the tray menu and the window. */
export const STATUS_NAMES: Readonly<Record<ClusterTokenStatus, string>> = {
  pending: 'waiting for a token',
  fresh: 'fresh',
  refreshing: 'refreshing…',
  expiring: 'refresh due',
  expired: 'expired',
  'needs-sign-in': 'sign-in needed',
  error: 'refresh failed',
  'no-account': 'not signed in',
};

/** Below this many minutes a token shows amber even if the core has not said `expiring` yet. */
export const EXPIRING_MINUTES = 5;

/** One cluster's level, by the same rules the tray applies to the most urgent cluster. */
export function clusterLevel(status: ClusterTokenStatus, msLeft: number | null): TokenLevel {
  switch (status) {
    case 'needs-sign-in':
    case 'no-account':
      return 'needs-sign-in';
    case 'error':
    case 'expired':
      return 'error';
    case 'refreshing':
      return 'refreshing';
    case 'pending':
      return 'idle';
    case 'fresh':
    case 'expiring':
      if (msLeft === null) return 'idle';
      return status === 'expiring' || msLeft < EXPIRING_MINUTES * 60_000 ? 'expiring' : 'fresh';
  }
}

/** "42 min", "1 h 05 min": whole minutes, for a token that lasts an hour or more. */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Where seconds start to matter: at or below this, the countdown shows m:ss. */
export const COUNTDOWN_SECONDS_BELOW = 10 * 60;

/**
 * The window's countdown: minutes while more than 10 remain ("52 min"; a seconds counter ticking
 * on an hour-long token is noise), "m:ss" below, when it is worth watching.
 */
export function formatCountdown(seconds: number): string {
  if (seconds <= 0) return 'expired';
  if (seconds > COUNTDOWN_SECONDS_BELOW) return formatMinutes(Math.floor(seconds / 60));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
