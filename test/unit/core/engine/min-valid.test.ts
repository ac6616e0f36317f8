// A minimum validity Entra cannot give: refused with what was asked and what Entra issues, and
// asked of Entra once per spacing window however often a script repeats it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_REQUEST_SPACING_MS } from '../../../../electron/core/refresh-policy.js';
import { TokenEngine } from '../../../../electron/core/engine/token-engine.js';
import type { AcquiredToken, TokenKey, TokenSource } from '../../../../electron/core/engine/types.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';

const MIN = 60_000;
const key: TokenKey = { accountId: 'alice', resource: 'https://ossrdbms-aad.database.windows.net' };

class CountingSource implements TokenSource {
  requests = 0;
  constructor(
    private readonly clock: FakeClock,
    private readonly lifetimeMs: number,
  ) {}
  async acquire(): Promise<AcquiredToken> {
    this.requests += 1;
    await Promise.resolve();
    const now = this.clock.now();
    return { accessToken: `token-${this.requests}`, issuedAt: now, expiresAt: now + this.lifetimeMs };
  }
}

function setup(lifetimeMs: number) {
  const clock = new FakeClock();
  const source = new CountingSource(clock, lifetimeMs);
  return { clock, source, engine: new TokenEngine({ source, clock, random: () => 0.5 }) };
}

const outcome = (promise: Promise<string>) =>
  promise.then(
    (token) => ({ token }),
    (error: unknown) => ({ error: error as Error & { code?: string } }),
  );

describe('minimum validity Entra cannot meet', () => {
  it('fails with what Entra issues and what was asked, and asks Entra once for many calls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 120 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 10 }),
        async (lifetimeMin, extraMin, calls) => {
          const { engine, source } = setup(lifetimeMin * MIN);
          await engine.getToken(key);
          const before = source.requests;
          const minValidSec = (lifetimeMin + extraMin) * 60;
          const results = [];
          for (let i = 0; i < calls; i += 1)
            results.push(
              await outcome(engine.getToken(key, { minValidSec, strictMinValid: true, userAction: true })),
            );
          expect(source.requests - before).toBe(1);
          for (const result of results) {
            expect('error' in result && result.error.code).toBe('min-valid-unmet');
            if ('error' in result) {
              const issued = lifetimeMin % 60 === 0 ? `${lifetimeMin / 60} h` : `${lifetimeMin} minutes`;
              expect(result.error.message).toContain(`Entra ID issues tokens valid for ${issued};`);
              expect(result.error.message).toMatch(/cannot be had/);
            }
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('names the numbers a user sees: 80 minutes issued, 23 h asked', async () => {
    const { engine } = setup(80 * MIN);
    const result = await outcome(
      engine.getToken(key, { minValidSec: 23 * 3600, strictMinValid: true, userAction: true }),
    );
    expect('error' in result && result.error.message).toMatch(
      /^Entra ID issues tokens valid for 80 minutes; a token valid for at least 23 h \(--min-valid\) cannot be had/,
    );
  });

  it('asks Entra again once the spacing has passed (lifetimes can change)', async () => {
    const { engine, source, clock } = setup(80 * MIN);
    const ask = () =>
      outcome(engine.getToken(key, { minValidSec: 23 * 3600, strictMinValid: true, userAction: true }));
    await ask();
    const after = source.requests;
    await ask();
    expect(source.requests).toBe(after);
    await clock.advance(MIN_REQUEST_SPACING_MS);
    await ask();
    expect(source.requests).toBe(after + 1);
  });

  it('without strictMinValid hands out the freshest token there is, still without asking again', async () => {
    const { engine, source } = setup(2 * MIN);
    const first = await engine.getToken(key, { minValidSec: 300, userAction: true });
    const requests = source.requests;
    const again = await engine.getToken(key, { minValidSec: 300, userAction: true });
    expect(again).toBe(first);
    expect(source.requests).toBe(requests);
  });
});
