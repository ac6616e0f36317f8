import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, refreshAt } from '../../electron/core/refresh-policy.js';

const MIN = 60_000;

describe('refreshAt', () => {
  it('refreshes a 60-minute token 15 minutes before expiry', () => {
    expect(refreshAt({ issuedAt: 0, expiresAt: 60 * MIN })).toBe(45 * MIN);
  });
  it('refreshes a 90-minute token 22.5 minutes before expiry (25 % left is earlier)', () => {
    expect(refreshAt({ issuedAt: 0, expiresAt: 90 * MIN })).toBe(67.5 * MIN);
  });
  it('refreshes a 20-minute token at half-life: a 15-minute margin would leave no time at all', () => {
    expect(refreshAt({ issuedAt: 0, expiresAt: 20 * MIN })).toBe(10 * MIN);
  });
  it('is always between issue and expiry, and never later than the margin', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 48 * 3600 * 1000 }),
        fc.integer({ min: 0, max: 7200 }),
        (issuedAt, lifetime, marginSec) => {
          const expiresAt = issuedAt + lifetime;
          const at = refreshAt({ issuedAt, expiresAt, marginSec });
          expect(at).toBeGreaterThanOrEqual(issuedAt);
          expect(at).toBeLessThan(expiresAt);
          expect(at - issuedAt).toBeGreaterThanOrEqual(lifetime / 2 - 1);
          expect(expiresAt - at).toBeGreaterThanOrEqual(lifetime * 0.25 - 1);
          if (marginSec * 1000 <= lifetime / 2) expect(at).toBeLessThanOrEqual(expiresAt - marginSec * 1000);
        },
      ),
    );
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially, stays within [cap/2, cap], and honours Retry-After', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 3_600_000 }),
        (attempt, r, retryAfterMs) => {
          const delay = backoffDelayMs(attempt, {
            baseMs: 5_000,
            maxMs: 300_000,
            retryAfterMs,
            random: () => r,
          });
          const cap = Math.min(300_000, 5_000 * 2 ** Math.min(attempt - 1, 30));
          expect(delay).toBeGreaterThanOrEqual(retryAfterMs);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(cap / 2));
          expect(delay).toBeLessThanOrEqual(Math.max(cap, retryAfterMs));
        },
      ),
    );
  });
  it('reaches the cap and stays there', () => {
    expect(backoffDelayMs(40, { baseMs: 5_000, maxMs: 300_000, random: () => 1 })).toBe(300_000);
  });
});
