// When to refresh a token and how to back off. Pure functions, property-tested.

export const DEFAULT_REFRESH_MARGIN_SEC = 15 * 60;

/**
 * The proactive refresh point: `marginSec` before expiry, or when 25 % of the lifetime is left,
 * whichever is earlier — with the margin capped at half the lifetime, so short tokens (the
 * testbed's, or a Conditional Access policy's) refresh at half-life rather than at once.
 */
export function refreshAt({
  issuedAt,
  expiresAt,
  marginSec = DEFAULT_REFRESH_MARGIN_SEC,
}: {
  issuedAt: number;
  expiresAt: number;
  marginSec?: number;
}): number {
  const lifetime = Math.max(0, expiresAt - issuedAt);
  // A margin longer than half the lifetime would refresh a short token the moment it arrives,
  // in a loop; cap it at half-life.
  const margin = Math.min(marginSec * 1000, lifetime / 2);
  return expiresAt - Math.max(margin, lifetime * 0.25);
}

/**
 * Exponential backoff with full jitter (AWS architecture blog's "full jitter"), but never shorter
 * than the server's Retry-After, and never longer than `maxMs` unless Retry-After says so.
 */
export function backoffDelayMs(
  attempt: number,
  {
    baseMs,
    maxMs,
    retryAfterMs = 0,
    random = Math.random,
  }: { baseMs: number; maxMs: number; retryAfterMs?: number; random?: () => number },
): number {
  const exponent = Math.min(Math.max(0, attempt - 1), 30);
  const cap = Math.min(maxMs, baseMs * 2 ** exponent);
  const jittered = cap / 2 + (cap / 2) * Math.min(Math.max(random(), 0), 1);
  return Math.max(Math.round(jittered), retryAfterMs);
}
