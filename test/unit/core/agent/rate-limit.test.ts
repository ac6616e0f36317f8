import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimit } from '../../../../electron/core/agent/rate-limit.js';

describe('RateLimit', () => {
  it('lets a burst through, then refuses and says when to retry', () => {
    let now = 0;
    const limit = new RateLimit(30, () => now, 5);
    for (let i = 0; i < 5; i += 1) expect(limit.take()).toEqual({ ok: true });
    expect(limit.take()).toEqual({ ok: false, retryAfterSec: 2 });
    now += 2_000;
    expect(limit.take()).toEqual({ ok: true });
  });

  it('never allows more than the burst plus what the rate refilled', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 300 }),
        (perMinute, gaps) => {
          let now = 0;
          const limit = new RateLimit(perMinute, () => now);
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            if (limit.take().ok) allowed += 1;
          }
          expect(allowed).toBeLessThanOrEqual(limit.burst + Math.floor((now * perMinute) / 60_000) + 1);
        },
      ),
    );
  });

  it('a clock going back refills nothing', () => {
    let now = 10_000;
    const limit = new RateLimit(60, () => now, 1);
    expect(limit.take().ok).toBe(true);
    now = 0;
    expect(limit.take().ok).toBe(false);
  });
});
