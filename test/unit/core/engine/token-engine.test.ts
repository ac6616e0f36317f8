import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../../electron/core/errors.js';
import { TokenEngine } from '../../../../electron/core/engine/token-engine.js';
import type {
  AcquiredToken,
  TokenKey,
  TokenSource,
  TokenState,
} from '../../../../electron/core/engine/types.js';
import { FakeClock, settle } from '../../../support/fakes/fake-clock.js';

const MIN = 60_000;
const alicePg: TokenKey = { accountId: 'alice', resource: 'https://ossrdbms-aad.database.windows.net' };
const aliceCosmos: TokenKey = { accountId: 'alice', resource: 'https://token.postgres.cosmos.azure.com' };

type Behaviour = 'ok' | AuthError | 'stall';

class ScriptedSource implements TokenSource {
  calls: { key: string; forceRefresh: boolean; at: number }[] = [];
  next: Behaviour[] = [];
  lifetimeMs = 60 * MIN;
  private serial = 0;
  constructor(private readonly clock: FakeClock) {}

  async acquire(request: TokenKey & { forceRefresh: boolean }): Promise<AcquiredToken> {
    this.calls.push({ key: request.resource, forceRefresh: request.forceRefresh, at: this.clock.now() });
    const behaviour = this.next.shift() ?? 'ok';
    await Promise.resolve();
    if (behaviour === 'stall') return new Promise(() => undefined);
    if (behaviour instanceof AuthError) throw behaviour;
    this.serial += 1;
    const now = this.clock.now();
    return { accessToken: `token-${this.serial}`, issuedAt: now, expiresAt: now + this.lifetimeMs };
  }
}

function setup(options: Partial<ConstructorParameters<typeof TokenEngine>[0]> = {}) {
  const clock = new FakeClock();
  const source = new ScriptedSource(clock);
  const engine = new TokenEngine({ source, clock, random: () => 0.5, ...options });
  const events: { event: string; state: TokenState }[] = [];
  for (const event of ['token-updated', 'needs-sign-in', 'refresh-failed', 'state-changed'] as const) {
    engine.on(event, (state) => events.push({ event, state }));
  }
  return { clock, source, engine, events };
}

const throttled = (retryAfterSec?: number) => new AuthError('throttled', 'HTTP 429', { retryAfterSec });
const unavailable = () => new AuthError('network', 'HTTP 503');
const revoked = () =>
  new AuthError('needs-sign-in', 'AADSTS700082: refresh token expired', { entraCode: 'AADSTS700082' });

describe('TokenEngine', () => {
  it('answers concurrent requests for one key with a single token request', async () => {
    const { engine, source } = setup();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => engine.getToken(alicePg)));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(source.calls).toHaveLength(1);
  });

  it('keeps one token per (account, resource): two resources, two requests', async () => {
    const { engine, source, clock } = setup();
    engine.setTrackedKeys([alicePg, aliceCosmos]);
    engine.start();
    await clock.advance(1_000);
    expect(source.calls.map((c) => c.key).sort()).toEqual([aliceCosmos.resource, alicePg.resource].sort());
    expect(engine.states().every((s) => s.status === 'fresh')).toBe(true);
    engine.stop();
  });

  it('refreshes proactively 15 minutes before a 60-minute token expires, with forceRefresh', async () => {
    const { engine, source, clock } = setup();
    engine.setTrackedKeys([alicePg]);
    engine.start();
    await clock.advance(1_000);
    expect(source.calls).toHaveLength(1);
    await clock.advance(44 * MIN);
    expect(source.calls).toHaveLength(1);
    await clock.advance(1 * MIN);
    expect(source.calls).toHaveLength(2);
    expect(source.calls[1]).toMatchObject({ forceRefresh: true });
    expect(await engine.getToken(alicePg)).toBe('token-2');
    engine.stop();
  });

  it('refreshes short-lived tokens at half-life', async () => {
    const { engine, source, clock } = setup({ minSpacingSec: 1 });
    source.lifetimeMs = 20_000;
    engine.setTrackedKeys([alicePg]);
    engine.start();
    await clock.advance(100);
    expect(source.calls).toHaveLength(1);
    await clock.advance(9_800);
    expect(source.calls).toHaveLength(1);
    await clock.advance(300);
    expect(source.calls).toHaveLength(2);
    engine.stop();
  });

  it('keeps serving the old token through 503s and 429s, backing off and honouring Retry-After', async () => {
    const { engine, source, clock, events } = setup();
    engine.setTrackedKeys([alicePg]);
    engine.start();
    await clock.advance(1_000);
    source.next = [unavailable(), throttled(120), unavailable()];
    await clock.advance(45 * MIN); // refresh point: fails with 503
    expect(source.calls).toHaveLength(2);
    expect(engine.state(alicePg)).toMatchObject({ status: 'expiring', consecutiveFailures: 1 });
    expect(await engine.getToken(alicePg)).toBe('token-1');

    await clock.advance(28_000); // never twice within 30 s
    expect(source.calls).toHaveLength(2);
    await clock.advance(2_000);
    expect(source.calls).toHaveLength(3); // 429 with Retry-After: 120
    await clock.advance(118_000);
    expect(source.calls).toHaveLength(3);
    await clock.advance(3_000);
    expect(source.calls).toHaveLength(4); // 503 again
    await clock.advance(10 * MIN);
    expect(source.calls.length).toBeGreaterThanOrEqual(5);
    expect(engine.state(alicePg)).toMatchObject({ status: 'fresh', consecutiveFailures: 0 });
    const gaps = source.calls.slice(1).map((call, i) => call.at - (source.calls[i]?.at ?? 0));
    expect(gaps.slice(1).every((gap) => gap >= 30_000)).toBe(true);
    expect(events.filter((e) => e.event === 'refresh-failed')).toHaveLength(3);
    expect(events.some((e) => e.event === 'needs-sign-in')).toBe(false);
    engine.stop();
  });

  it('raises needs-sign-in once per state change, not per tick, and stops asking Entra', async () => {
    const { engine, source, clock, events } = setup();
    engine.setTrackedKeys([alicePg]);
    engine.start();
    await clock.advance(1_000);
    source.next = [revoked(), revoked(), revoked()];
    await clock.advance(46 * MIN);
    const callsAfterRevoke = source.calls.length;
    await clock.advance(60 * MIN);
    expect(source.calls).toHaveLength(callsAfterRevoke);
    expect(events.filter((e) => e.event === 'needs-sign-in')).toHaveLength(1);
    expect(engine.state(alicePg)).toMatchObject({
      status: 'needs-sign-in',
      lastError: { kind: 'needs-sign-in', entraCode: 'AADSTS700082' },
    });
    await expect(engine.getToken(alicePg, { userAction: true })).rejects.toMatchObject({
      kind: 'needs-sign-in',
    });

    source.next = [];
    engine.accountSignedIn('alice');
    await clock.advance(1_000);
    expect(engine.state(alicePg)?.status).toBe('fresh');
    source.next = [revoked()];
    await clock.advance(46 * MIN);
    expect(events.filter((e) => e.event === 'needs-sign-in')).toHaveLength(2);
    engine.stop();
  });

  it('a sign-in seen elsewhere retries only tokens waiting for one, not healthy or backing-off ones', async () => {
    const { engine, source, clock } = setup();
    engine.setTrackedKeys([alicePg, aliceCosmos]);
    engine.start();
    await clock.advance(1_000);
    // At the proactive refresh the Flexible token's sign-in is revoked; the Cosmos one gets a
    // 503 and backs off.
    source.next = [revoked(), unavailable()];
    await clock.advance(45 * MIN);
    expect(engine.state(alicePg)?.status).toBe('needs-sign-in');
    expect(engine.state(aliceCosmos)?.consecutiveFailures).toBe(1);
    const cosmosRetryAt = engine.state(aliceCosmos)?.nextRefreshAt;
    const calls = source.calls.length;

    engine.accountSignedIn('alice', { onlyWaiting: true });
    expect(engine.state(aliceCosmos)?.nextRefreshAt).toBe(cosmosRetryAt);
    expect(engine.state(alicePg)?.status).toBe('expiring');
    // The retry keeps the 30-s spacing (the change may have been another process's refresh):
    // the failed request went out at 45:00, one second ago.
    await clock.advance(28_000);
    expect(source.calls.slice(calls).map((c) => c.key)).not.toContain(alicePg.resource);
    await clock.advance(2_000);
    expect(source.calls.slice(calls).map((c) => c.key)).toContain(alicePg.resource);
    expect(engine.state(alicePg)?.status).toBe('fresh');
    engine.stop();
  });

  it('a new refresh margin moves the next refresh at once, without a restart', async () => {
    const { engine, source, clock } = setup();
    engine.setTrackedKeys([alicePg]);
    engine.start();
    await clock.advance(1_000);
    const issuedAt = clock.now() - 1_000;
    expect(engine.state(alicePg)?.nextRefreshAt).toBe(issuedAt + 45 * MIN);
    await clock.advance(40 * MIN);
    expect(engine.state(alicePg)?.status).toBe('fresh');
    engine.setRefreshMarginSec(25 * 60);
    await clock.advance(100);
    // 25 minutes before expiry is already past: the token is refreshed now, not at 45 minutes.
    expect(source.calls).toHaveLength(2);
    expect(engine.state(alicePg)?.nextRefreshAt).toBe(clock.now() - 100 + 35 * MIN);
    engine.stop();
  });

  it('whatever the lifetimes and failures, automatic requests for a key are at least 30 s apart', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 5_000, max: 2 * 60 * MIN }),
        fc.array(fc.constantFrom<'ok' | '503' | '429' | 'revoked'>('ok', 'ok', '503', '429', 'revoked'), {
          maxLength: 40,
        }),
        fc.array(fc.integer({ min: 100, max: 10 * MIN }), { minLength: 20, maxLength: 60 }),
        async (lifetimeMs, outcomes, steps) => {
          const { engine, source, clock } = setup({ random: Math.random });
          source.lifetimeMs = lifetimeMs;
          source.next = outcomes.map((outcome) =>
            outcome === 'ok'
              ? 'ok'
              : outcome === '503'
                ? unavailable()
                : outcome === '429'
                  ? throttled(5)
                  : revoked(),
          );
          engine.setTrackedKeys([alicePg, aliceCosmos]);
          engine.start();
          for (const step of steps) {
            await clock.advance(step);
            // A sign-in seen elsewhere now and then, as the tray notices it: it skips no spacing.
            if (step % 7 === 0) engine.accountSignedIn('alice', { onlyWaiting: true });
          }
          engine.stop();
          for (const resource of [alicePg.resource, aliceCosmos.resource]) {
            const times = source.calls.filter((call) => call.key === resource).map((call) => call.at);
            for (let i = 1; i < times.length; i += 1)
              expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(30_000);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refreshes first when a sink asks for more validity than is left', async () => {
    const { engine, source, clock } = setup();
    await engine.getToken(alicePg);
    await clock.advance(55 * MIN);
    expect(await engine.getToken(alicePg, { minValidSec: 600, userAction: true })).toBe('token-2');
    expect(source.calls[1]).toMatchObject({ forceRefresh: true });
    expect(await engine.getToken(alicePg, { minValidSec: 600 })).toBe('token-2');
    expect(source.calls).toHaveLength(2);
  });

  it('goes to Entra when the cache only has a token shorter than the minimum asked', async () => {
    const { engine, source } = setup();
    source.lifetimeMs = 5 * MIN;
    source.next = ['ok'];
    await engine.getToken(alicePg, { minValidSec: 600, userAction: true });
    expect(source.calls.map((c) => c.forceRefresh)).toEqual([false, true]);
  });

  it('notices a wall-clock jump after sleep within 5 seconds and refreshes an expired token', async () => {
    const { engine, source, clock, events } = setup();
    engine.setTrackedKeys([alicePg]);
    engine.start();
    await clock.advance(1_000);
    await clock.advance(10 * MIN);
    events.length = 0;
    clock.jumpWall(3 * 60 * MIN); // resumed from a 3-hour sleep; monotonic time did not move
    await clock.advance(5_000);
    expect(source.calls).toHaveLength(2);
    expect(engine.state(alicePg)?.status).toBe('fresh');
  });

  it('a wall clock set back does not stretch a token: countdown and refresh follow real time', async () => {
    const { engine, source, clock } = setup();
    engine.setTrackedKeys([alicePg]);
    engine.start();
    await clock.advance(1_000);
    await clock.advance(10 * MIN);
    clock.jumpWall(-65 * MIN);
    await clock.advance(5_000);
    // 10 minutes of a 60-minute token are gone, whatever the wall clock now says.
    const left = (engine.state(alicePg)?.expiresAt ?? 0) - clock.now();
    expect(left).toBeGreaterThan(49 * MIN);
    expect(left).toBeLessThan(51 * MIN);
    // The refresh comes at 45 real minutes, not 65 minutes late.
    await clock.advance(35 * MIN);
    expect(source.calls).toHaveLength(2);
    expect(engine.state(alicePg)?.status).toBe('fresh');
    engine.stop();
  });

  it('does not stay stuck when the wall clock is set back', async () => {
    const { engine, source, clock } = setup();
    engine.setTrackedKeys([alicePg]);
    engine.start();
    await clock.advance(1_000);
    source.next = [unavailable()];
    await clock.advance(45 * MIN);
    expect(source.calls).toHaveLength(2);
    clock.jumpWall(-2 * 60 * MIN);
    await clock.advance(2 * MIN);
    // Backoff is measured in monotonic time: the retry happens on schedule despite the jump.
    expect(source.calls.length).toBeGreaterThanOrEqual(3);
    engine.stop();
  });

  it('never puts a token in an event or a state', async () => {
    const { engine, clock, events } = setup();
    engine.setTrackedKeys([alicePg]);
    engine.start();
    await clock.advance(1_000);
    const token = await engine.getToken(alicePg);
    expect(JSON.stringify(events)).not.toContain(token);
    expect(JSON.stringify(engine.states())).not.toContain(token);
    engine.stop();
  });

  it('a stalled request does not block other keys and is answered by single flight', async () => {
    const { engine, source } = setup();
    source.next = ['stall'];
    const stalled = engine.getToken(alicePg);
    let settledStalled = false;
    void stalled.then(() => (settledStalled = true));
    expect(await engine.getToken(aliceCosmos)).toBe('token-1');
    await settle();
    expect(settledStalled).toBe(false);
    expect(source.calls).toHaveLength(2);
  });

  it('with the scheduler stopped no timers stay armed', async () => {
    const { engine, clock } = setup();
    engine.setTrackedKeys([alicePg]);
    engine.start();
    await clock.advance(1_000);
    engine.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});
