// Time left on a token as a person reads it, the same in the tray and the window: whole minutes
// for the tray and for long waits, m:ss in the window's last ten minutes; and the one rule that
// turns a fresh token amber as it nears expiry. Names and colours per level: token-status.ts.
import { levelOf, type ClusterTokenStatus, type StatusLevel } from './token-status.js';

/** Below this many minutes a token shows amber even if the core has not said `expiring` yet. */
export const EXPIRING_MINUTES = 5;

/** One cluster's level, by the rule the tray applies to the soonest token. */
export function clusterLevel(status: ClusterTokenStatus, msLeft: number | null): StatusLevel {
  const level = levelOf(status);
  if (level !== 'fresh' && level !== 'expiring') return level;
  if (msLeft === null) return 'idle';
  return level === 'expiring' || msLeft < EXPIRING_MINUTES * 60_000 ? 'expiring' : 'fresh';
}

/** "42 min", "1 h 05 min": whole minutes. */
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
