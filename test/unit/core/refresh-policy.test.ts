// When to refresh, how long to back off, how often a key may ask at all. Properties first: these
// numbers decide whether pgentra hammers Entra or lets a token lapse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoff,
  backoffCapMs,
  backoffDelayMs,
  earliestAutomaticRequest,
  MAX_RETRY_AFTER_MS,
  MIN_REQUEST_SPACING_MS,
  parseRetryAfterMs,
  refreshAt,
  status,
} from '../../../electron/core/refresh-policy.js';

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

describe('refreshAt: more properties', () => {
  const times = fc.tuple(fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: 1, max: 48 * 3600 * 1000 }));

  it('a longer margin never makes the refresh later', () => {
    fc.assert(
      fc.property(times, fc.nat(7200), fc.nat(7200), ([issuedAt, lifetime], a, b) => {
        const expiresAt = issuedAt + lifetime;
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(refreshAt({ issuedAt, expiresAt, marginSec: large })).toBeLessThanOrEqual(
          refreshAt({ issuedAt, expiresAt, marginSec: small }),
        );
      }),
    );
  });

  it('is the earlier of "margin before expiry" and "25 % left" for Entra-length tokens', () => {
    // 60–90 min tokens, default 15-minute margin (design.md: refresh policy).
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 60, max: 90 }),
        (issuedAt, minutes) => {
          const expiresAt = issuedAt + minutes * MIN;
          expect(refreshAt({ issuedAt, expiresAt })).toBe(
            Math.min(expiresAt - 15 * MIN, expiresAt - 0.25 * minutes * MIN),
          );
        },
      ),
    );
  });

  it('a token without a lifetime (expiry not after issue) is due at once, i.e. at its expiry', () => {
    expect(refreshAt({ issuedAt: 1000, expiresAt: 1000 })).toBe(1000);
    expect(refreshAt({ issuedAt: 5000, expiresAt: 1000 })).toBe(1000);
  });

  it('refuses NaN and negative margins, naming the argument', () => {
    expect(() => refreshAt({ issuedAt: Number.NaN, expiresAt: 1 })).toThrow(/refreshAt: issuedAt/);
    expect(() => refreshAt({ issuedAt: 0, expiresAt: Infinity })).toThrow(/refreshAt: expiresAt/);
    expect(() => refreshAt({ issuedAt: 0, expiresAt: 1, marginSec: -1 })).toThrow(
      /refreshAt: marginSec must not be negative/,
    );
  });
});

describe('status', () => {
  const issuedAt = 0;
  const expiresAt = 60 * MIN;

  it('fresh until the refresh point, expiring until expiry, then expired', () => {
    const policy = { issuedAt, marginSec: 900 };
    expect(status(expiresAt, 0, policy)).toBe('fresh');
    expect(status(expiresAt, 45 * MIN - 1, policy)).toBe('fresh');
    expect(status(expiresAt, 45 * MIN, policy)).toBe('expiring');
    expect(status(expiresAt, 60 * MIN - 1, policy)).toBe('expiring');
    expect(status(expiresAt, 60 * MIN, policy)).toBe('expired');
  });

  it('without issuedAt only the margin applies', () => {
    expect(status(90 * MIN, 74 * MIN, { marginSec: 900 })).toBe('fresh');
    expect(status(90 * MIN, 75 * MIN, { marginSec: 900 })).toBe('expiring');
    expect(status(90 * MIN, 75 * MIN)).toBe('expiring');
  });

  it('never goes back: fresh → expiring → expired as time passes', () => {
    const rank = { fresh: 0, expiring: 1, expired: 2 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 48 * 3600 * 1000 }),
        fc.option(fc.nat(7200), { nil: undefined }),
        fc.boolean(),
        fc.array(fc.integer({ min: -(10 ** 7), max: 2 * 10 ** 8 }), { minLength: 2, maxLength: 10 }),
        (issued, lifetime, marginSec, withIssued, offsets) => {
          const policy = { marginSec, ...(withIssued ? { issuedAt: issued } : {}) };
          const ranks = [...offsets]
            .sort((a, b) => a - b)
            .map((o) => rank[status(issued + lifetime, issued + o, policy)]);
          for (let i = 1; i < ranks.length; i += 1)
            expect(ranks[i]).toBeGreaterThanOrEqual(ranks[i - 1] ?? 0);
        },
      ),
    );
  });

  it('agrees with refreshAt about when "expiring" begins', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 2, max: 10 ** 8 }),
        fc.nat(7200),
        (issuedAt, lifetime, marginSec) => {
          const expiresAt = issuedAt + lifetime;
          const at = refreshAt({ issuedAt, expiresAt, marginSec });
          expect(status(expiresAt, Math.ceil(at), { issuedAt, marginSec })).not.toBe('fresh');
          if (Math.floor(at) - 1 >= issuedAt && Math.floor(at) - 1 < at)
            expect(status(expiresAt, Math.floor(at) - 1, { issuedAt, marginSec })).toBe('fresh');
        },
      ),
    );
  });
});

describe('backoff (full jitter)', () => {
  const options = fc.record({
    baseMs: fc.integer({ min: 1, max: 60_000 }),
    extra: fc.integer({ min: 0, max: 3_600_000 }),
  });

  it('stays within [0, cap], never earlier than Retry-After', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        options,
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.option(fc.integer({ min: 0, max: 7_200_000 }), { nil: undefined }),
        (attempt, { baseMs, extra }, r, retryAfterMs) => {
          const maxMs = baseMs + extra;
          const delay = backoff(attempt, { baseMs, maxMs, retryAfterMs, random: () => r });
          const cap = backoffCapMs(attempt, { baseMs, maxMs });
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(retryAfterMs ?? 0);
          expect(delay).toBeLessThanOrEqual(Math.max(cap, retryAfterMs ?? 0));
          expect(delay).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('the cap doubles from baseMs, never decreases with the attempt, and never exceeds maxMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), options, (attempt, { baseMs, extra }) => {
        const maxMs = baseMs + extra;
        const cap = backoffCapMs(attempt, { baseMs, maxMs });
        const next = backoffCapMs(attempt + 1, { baseMs, maxMs });
        expect(next).toBeGreaterThanOrEqual(cap);
        expect(next).toBeLessThanOrEqual(maxMs);
        expect(cap).toBe(Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30)));
      }),
    );
    expect(backoffCapMs(1, { baseMs: 1000, maxMs: 60_000 })).toBe(1000);
  });

  it('with the same luck, a later attempt never waits less', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        options,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, { baseMs, extra }, r) => {
          const maxMs = baseMs + extra;
          const random = () => r;
          expect(backoff(attempt + 1, { baseMs, maxMs, random })).toBeGreaterThanOrEqual(
            backoff(attempt, { baseMs, maxMs, random }),
          );
        },
      ),
    );
  });

  it('spreads: the full range from 0 to the cap is reachable', () => {
    expect(backoff(3, { baseMs: 1000, maxMs: 60_000, random: () => 0 })).toBe(0);
    expect(backoff(3, { baseMs: 1000, maxMs: 60_000, random: () => 0.999999 })).toBe(3999);
    // A broken random source cannot produce a negative or huge delay.
    expect(backoff(3, { baseMs: 1000, maxMs: 60_000, random: () => Number.NaN })).toBe(0);
    expect(backoff(3, { baseMs: 1000, maxMs: 60_000, random: () => 7 })).toBe(4000);
  });

  it('honours a Retry-After longer than maxMs', () => {
    expect(backoff(1, { baseMs: 1000, maxMs: 5000, retryAfterMs: 120_000, random: () => 0.5 })).toBe(120_000);
  });

  it('refuses nonsense, naming the argument', () => {
    expect(() => backoff(0, { baseMs: 1, maxMs: 2 })).toThrow(/backoff: attempt starts at 1/);
    expect(() => backoff(1.5, { baseMs: 1, maxMs: 2 })).toThrow(/backoff: attempt/);
    expect(() => backoff(1, { baseMs: 0, maxMs: 2 })).toThrow(/backoff: baseMs must be positive/);
    expect(() => backoff(1, { baseMs: 10, maxMs: 2 })).toThrow(/backoff: maxMs must be at least baseMs/);
    expect(() => backoff(1, { baseMs: 1, maxMs: 2, retryAfterMs: -5 })).toThrow(/backoff: retryAfterMs/);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');

  it.each([
    [undefined, undefined],
    [null, undefined],
    ['', undefined],
    ['soon', undefined],
    ['-5', undefined],
    ['1.5', undefined],
    ['0', 0],
    ['30', 30_000],
    [' 120 ', 120_000],
    // An HTTP-date, which MSAL itself would misread as its 60 s default.
    ['Sun, 22 Nov 2026 12:02:00 GMT', 120_000],
    ['Sun, 22 Nov 2026 11:00:00 GMT', 0],
    // Not believed beyond MSAL's own one-hour cap.
    ['999999', MAX_RETRY_AFTER_MS],
  ])('%o → %o', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});

describe('earliestAutomaticRequest', () => {
  it('one automatic request per key per 30 s, and never before Retry-After or backoff', () => {
    expect(MIN_REQUEST_SPACING_MS).toBe(30_000);
    expect(earliestAutomaticRequest({})).toBe(-Infinity);
    expect(earliestAutomaticRequest({ lastRequestAt: 1_000 })).toBe(31_000);
    expect(earliestAutomaticRequest({ lastRequestAt: 1_000, retryNotBefore: 50_000 })).toBe(50_000);
    expect(earliestAutomaticRequest({ lastRequestAt: 1_000, retryNotBefore: 5_000 })).toBe(31_000);
    expect(earliestAutomaticRequest({ lastRequestAt: 1_000, minSpacingMs: 1_000 })).toBe(2_000);
  });

  it('is never sooner than the spacing after the last request, nor than the retry deadline', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: -1e12, max: 1e12 }), { nil: undefined }),
        fc.option(fc.integer({ min: -1e12, max: 1e12 }), { nil: undefined }),
        fc.nat(3_600_000),
        (lastRequestAt, retryNotBefore, minSpacingMs) => {
          const at = earliestAutomaticRequest({ lastRequestAt, retryNotBefore, minSpacingMs });
          if (lastRequestAt !== undefined) expect(at).toBeGreaterThanOrEqual(lastRequestAt + minSpacingMs);
          if (retryNotBefore !== undefined) expect(at).toBeGreaterThanOrEqual(retryNotBefore);
        },
      ),
    );
  });
});
