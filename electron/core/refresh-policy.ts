// When to refresh a token, how to back off after a failure, and how often a key may hit the
// identity provider at all. Pure functions (time is always passed in), property-tested.
import { z } from 'zod';
import type { TokenStatus } from '../shared/token-status.js';

export const DEFAULT_REFRESH_MARGIN_SEC = 15 * 60;
/** At most one request per (account, resource) per this long, unless a person asked for it. */
export const MIN_REQUEST_SPACING_MS = 30_000;
/** MSAL's own throttle never blocks longer than this, so a bigger Retry-After is not believed. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

// Bad numbers here do not crash: NaN turns a timer into "fire now", i.e. a refresh loop against
// the identity provider. So the arguments are checked, and the error names the argument.
const time = z.number().finite('must be a finite number of milliseconds');
const nonNegative = z.number().finite('must be a finite number').min(0, 'must not be negative');

function parseArgs<T>(fn: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new RangeError(`${fn}: ${issue?.path.join('.') || 'argument'} ${issue?.message ?? 'is invalid'}`);
}

const refreshAtArgs = z.object({
  issuedAt: time,
  expiresAt: time,
  marginSec: nonNegative.optional(),
});

/**
 * The proactive refresh point: `marginSec` before expiry, or when 25 % of the lifetime is left,
 * whichever is earlier — with the margin capped at half the lifetime, so short tokens (the
 * testbed's, or a Conditional Access policy's) refresh at half-life rather than at once. The
 * result is therefore never before `issuedAt` and, for any token with a lifetime, before expiry.
 * A token with no lifetime (`expiresAt <= issuedAt`, a broken clock) is due at `expiresAt`.
 */
export function refreshAt(args: { issuedAt: number; expiresAt: number; marginSec?: number }): number {
  const {
    issuedAt,
    expiresAt,
    marginSec = DEFAULT_REFRESH_MARGIN_SEC,
  } = parseArgs('refreshAt', refreshAtArgs, args);
  const lifetime = Math.max(0, expiresAt - issuedAt);
  // A margin longer than half the lifetime would refresh a short token the moment it arrives,
  // in a loop; cap it at half-life.
  const margin = Math.min(marginSec * 1000, lifetime / 2);
  return expiresAt - Math.max(margin, lifetime * 0.25);
}

export type TokenTimeStatus = Extract<TokenStatus, 'fresh' | 'expiring' | 'expired'>;

const statusArgs = z.object({
  expiresAt: time,
  now: time,
  policy: z.object({ marginSec: nonNegative.optional(), issuedAt: time.optional() }),
});

/**
 * Where a token stands at `now`: `expiring` from its refresh point on (see refreshAt; without
 * `issuedAt` only the margin can be applied), `expired` from `expiresAt` on — it can no longer
 * open new connections, though open sessions survive.
 */
export function status(
  expiresAt: number,
  now: number,
  policy: { marginSec?: number; issuedAt?: number } = {},
): TokenTimeStatus {
  const args = parseArgs('status', statusArgs, { expiresAt, now, policy });
  if (args.now >= args.expiresAt) return 'expired';
  const marginSec = args.policy.marginSec ?? DEFAULT_REFRESH_MARGIN_SEC;
  const due =
    args.policy.issuedAt === undefined
      ? args.expiresAt - marginSec * 1000
      : refreshAt({ issuedAt: args.policy.issuedAt, expiresAt: args.expiresAt, marginSec });
  return args.now >= due ? 'expiring' : 'fresh';
}

const backoffArgs = z
  .object({
    attempt: z.number().int('must be a whole number').min(1, 'starts at 1'),
    baseMs: z.number().finite().positive('must be positive'),
    maxMs: z.number().finite().positive('must be positive'),
    retryAfterMs: nonNegative.optional(),
  })
  .refine((a) => a.maxMs >= a.baseMs, { path: ['maxMs'], message: 'must be at least baseMs' });

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** The server's Retry-After in ms (see parseRetryAfterMs); the delay is never shorter. */
  retryAfterMs?: number;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

/** The ceiling of the n-th delay: `baseMs · 2^(n−1)`, never above `maxMs`. */
export function backoffCapMs(attempt: number, { baseMs, maxMs }: { baseMs: number; maxMs: number }): number {
  parseArgs('backoffCapMs', backoffArgs, { attempt, baseMs, maxMs });
  // 2^30 · base already exceeds any sane max; the clamp keeps the power finite.
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
}

const unit = (random: () => number): number => {
  const r = random();
  return Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
};

/**
 * Delay before retry number `attempt` (1 = the first retry): exponential with full jitter, i.e.
 * uniform in [0, cap] (AWS Architecture Blog, "Exponential Backoff And Jitter"), so many clients
 * that failed together do not retry together. Never earlier than Retry-After, even above maxMs.
 * Full jitter can pick ~0: MIN_REQUEST_SPACING_MS (RequestSpacing) is what stops a tight loop.
 */
export function backoff(attempt: number, options: BackoffOptions): number {
  const { baseMs, maxMs, retryAfterMs = 0, random = Math.random } = options;
  parseArgs('backoff', backoffArgs, { attempt, baseMs, maxMs, retryAfterMs });
  const cap = backoffCapMs(attempt, { baseMs, maxMs });
  return Math.max(Math.floor(cap * unit(random)), Math.ceil(retryAfterMs));
}

/**
 * The token engine's variant: "equal jitter" (between half the cap and the cap), because the
 * engine schedules retries by itself and has no spacing guard in front of it. Attempts below 1
 * count as 1. Never shorter than Retry-After.
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
  parseArgs('backoffDelayMs', backoffArgs, {
    attempt: Math.max(1, Math.trunc(attempt)),
    baseMs,
    maxMs,
    retryAfterMs,
  });
  const cap = backoffCapMs(Math.max(1, Math.trunc(attempt)), { baseMs, maxMs });
  const jittered = cap / 2 + (cap / 2) * unit(random);
  return Math.max(Math.round(jittered), retryAfterMs);
}

/**
 * A Retry-After header (RFC 9110: delay-seconds or an HTTP-date) in ms from `nowMs`; undefined
 * when absent or unreadable. MSAL itself only understands seconds (parseInt) — a date would
 * silently become its 60 s default — so both forms are read here. Capped at MAX_RETRY_AFTER_MS.
 */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  let ms: number;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else {
    // Only the HTTP-date shapes (all start with a day name): Date.parse also "reads" "-5" or "1.5".
    if (!/^[A-Za-z]{3,9},? /.test(value)) return undefined;
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - nowMs);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/**
 * The earliest (monotonic) time an automatic request for a key may go out: one request per key
 * per `minSpacingMs`, and never before a Retry-After or backoff deadline. A person's explicit
 * action (Refresh now, Copy token, `pgentra token`) is not held to it; the engine decides that.
 */
export function earliestAutomaticRequest(args: {
  lastRequestAt?: number;
  retryNotBefore?: number;
  minSpacingMs?: number;
}): number {
  return Math.max(
    args.retryNotBefore ?? -Infinity,
    (args.lastRequestAt ?? -Infinity) + (args.minSpacingMs ?? MIN_REQUEST_SPACING_MS),
  );
}
