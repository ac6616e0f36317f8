// The token engine: one token per (account, resource) however many clusters use it, refreshed
// ahead of expiry by the refresh policy, one request in flight per key, backoff with jitter on
// failure, and state changes published as events for the sinks (pgpass, tray, notifications).
// Tokens stay inside this object and the sinks that ask for them; events carry state only.
import { AuthError, PgentraError, asAuthError } from '../errors.js';
import type { Cancel, Clock } from '../ports.js';
import type { TokenStatus } from '../../shared/token-status.js';
import type {
  AcquiredToken,
  EngineEvents,
  EngineOptions,
  GetTokenOptions,
  TokenKey,
  TokenSource,
  TokenState,
} from './types.js';
import {
  backoffDelayMs,
  DEFAULT_REFRESH_MARGIN_SEC,
  earliestAutomaticRequest,
  MIN_REQUEST_SPACING_MS,
  refreshAt,
  status as tokenTimeStatus,
} from '../refresh-policy.js';

interface Entry {
  key: TokenKey;
  token?: AcquiredToken;
  status: TokenStatus;
  /** Monotonic ms: spacing and backoff are durations and must survive wall-clock changes. */
  lastAttemptMono?: number;
  retryNotBeforeMono?: number;
  lastRefreshAt?: number;
  lastError?: AuthError;
  consecutiveFailures: number;
  inFlight?: Promise<AcquiredToken>;
  /** needs-sign-in was announced and nothing has changed since: do not announce it again. */
  signInAnnounced?: boolean;
  /** Time left on the last token Entra issued fresh (a forced refresh): what asking again gives. */
  freshLifetimeMs?: number;
}

const keyId = (key: TokenKey): string =>
  `${key.accountId}\u0000${key.resource}\u0000${key.tenant?.toLowerCase() ?? ''}`;

export class TokenEngine {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners: { [E in keyof EngineEvents]: Set<EngineEvents[E]> } = {
    'token-updated': new Set(),
    'needs-sign-in': new Set(),
    'refresh-failed': new Set(),
    'state-changed': new Set(),
  };
  private readonly source: TokenSource;
  private readonly clock: Clock;
  private marginSec: number;
  private readonly minSpacingMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly clockCheckMs: number;
  private readonly random: () => number;
  private cancelTimer: Cancel | undefined;
  private running = false;
  private clockOffset = 0;

  constructor(options: EngineOptions) {
    this.source = options.source;
    this.clock = options.clock;
    this.marginSec = options.refreshMarginSec ?? DEFAULT_REFRESH_MARGIN_SEC;
    this.minSpacingMs =
      options.minSpacingSec === undefined ? MIN_REQUEST_SPACING_MS : options.minSpacingSec * 1000;
    this.backoffBaseMs = options.backoffBaseMs ?? 5_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 5 * 60_000;
    this.clockCheckMs = options.clockCheckMs ?? 5_000;
    this.random = options.random ?? Math.random;
  }

  on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /** The keys the scheduler keeps fresh; others are forgotten (their tokens dropped). */
  setTrackedKeys(keys: readonly TokenKey[]): void {
    const wanted = new Map(keys.map((key) => [keyId(key), key]));
    for (const id of this.entries.keys()) if (!wanted.has(id)) this.entries.delete(id);
    for (const [id, key] of wanted)
      if (!this.entries.has(id)) this.entries.set(id, { key, status: 'pending', consecutiveFailures: 0 });
    this.reschedule();
  }

  /** A new refresh margin (settings changed): statuses and the schedule follow at once. */
  setRefreshMarginSec(marginSec: number): void {
    if (marginSec === this.marginSec) return;
    this.marginSec = marginSec;
    this.reschedule(0);
  }

  states(): TokenState[] {
    return [...this.entries.values()].map((entry) => this.stateOf(entry));
  }

  state(key: TokenKey): TokenState | undefined {
    const entry = this.entries.get(keyId(key));
    return entry && this.stateOf(entry);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.clockOffset = this.clock.now() - this.clock.monotonic();
    this.reschedule(0);
  }

  stop(): void {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /**
   * A fresh sign-in for this account: clear needs-sign-in and fetch again right away. With
   * `onlyWaiting` (a sign-in seen in the shared cache, made by another process) only entries
   * waiting for a person are retried, so healthy or backing-off entries keep their schedule.
   */
  accountSignedIn(accountId: string, options: { onlyWaiting?: boolean } = {}): void {
    for (const entry of this.entries.values()) {
      if (entry.key.accountId !== accountId) continue;
      if (options.onlyWaiting && entry.status !== 'needs-sign-in') continue;
      // Signing in here is a person acting: no spacing or backoff applies to the fetch that
      // follows. A change seen in the shared cache may be another process's refresh, so the
      // 30-s spacing still holds for it.
      entry.retryNotBeforeMono = undefined;
      if (!options.onlyWaiting) entry.lastAttemptMono = undefined;
      entry.signInAnnounced = false;
      entry.lastError = undefined;
      entry.consecutiveFailures = 0;
      if (entry.status === 'needs-sign-in' || entry.status === 'error')
        this.setStatus(entry, entry.token ? this.timeStatus(entry) : 'pending');
    }
    this.reschedule(0);
  }

  async getToken(key: TokenKey, options: GetTokenOptions = {}): Promise<string> {
    const entry = this.entryFor(key);
    const minValidMs = (options.minValidSec ?? 0) * 1000;
    if (entry.token && entry.token.expiresAt - this.clock.now() >= minValidMs) return entry.token.accessToken;
    // Entra just issued this key's token and it fell short: asking again within the spacing
    // would only get the same lifetime (ten `pgentra token --min-valid 23h` were ten requests).
    if (
      entry.token &&
      entry.token.expiresAt > this.clock.now() &&
      entry.freshLifetimeMs !== undefined &&
      entry.freshLifetimeMs < minValidMs &&
      this.clock.monotonic() < (entry.lastAttemptMono ?? -Infinity) + this.minSpacingMs
    ) {
      if (options.strictMinValid) throw minValidUnmet(entry.freshLifetimeMs, minValidMs);
      return entry.token.accessToken;
    }

    if (!options.userAction && !entry.inFlight && this.clock.monotonic() < this.notBeforeMono(entry)) {
      // Spacing protects Entra from loops; an unexpired token is still better than none.
      if (entry.token && entry.token.expiresAt > this.clock.now()) return entry.token.accessToken;
      throw (
        entry.lastError ??
        new AuthError(
          'throttled',
          'A token was requested too soon after the last attempt; try again shortly.',
        )
      );
    }
    // With no token in memory the cache may still hold one (another process refreshed it); only
    // when that is too short does a forced refresh go to Entra.
    let forced = entry.token !== undefined;
    let token = await this.refresh(entry, { force: forced });
    if (!forced && token.expiresAt - this.clock.now() < minValidMs) {
      forced = true;
      token = await this.refresh(entry, { force: true });
    }
    if (forced && options.strictMinValid && token.expiresAt - this.clock.now() < minValidMs)
      throw minValidUnmet(token.expiresAt - this.clock.now(), minValidMs);
    // Entra decides lifetimes: a brand-new token shorter than asked is still the best there is,
    // but one that is already expired means the clocks disagree.
    if (token.expiresAt <= this.clock.now()) {
      throw new AuthError(
        'unknown',
        "Entra ID issued a token that is already expired by this computer's clock; check the system time.",
      );
    }
    return token.accessToken;
  }

  /** User asked for a refresh of one key, or of everything. */
  async refreshNow(key?: TokenKey): Promise<void> {
    const targets = key ? [this.entryFor(key)] : [...this.entries.values()];
    await Promise.allSettled(targets.map((entry) => this.refresh(entry, { force: true })));
  }

  private entryFor(key: TokenKey): Entry {
    const id = keyId(key);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { key: { ...key }, status: 'pending', consecutiveFailures: 0 };
      this.entries.set(id, entry);
    }
    return entry;
  }

  private refresh(entry: Entry, { force }: { force: boolean }): Promise<AcquiredToken> {
    if (entry.inFlight) return entry.inFlight;
    entry.lastAttemptMono = this.clock.monotonic();
    this.setStatus(entry, 'refreshing');
    const attempt = this.source
      .acquire({ ...entry.key, forceRefresh: force })
      .then(
        (token) => {
          entry.token = token;
          if (force) entry.freshLifetimeMs = token.expiresAt - this.clock.now();
          entry.lastRefreshAt = this.clock.now();
          entry.lastError = undefined;
          entry.retryNotBeforeMono = undefined;
          entry.consecutiveFailures = 0;
          entry.signInAnnounced = false;
          this.setStatus(entry, this.timeStatus(entry));
          this.emit('token-updated', entry);
          return token;
        },
        (error: unknown) => {
          const problem = asAuthError(error);
          entry.lastError = problem;
          entry.consecutiveFailures += 1;
          const retryAfterMs = (problem.details.retryAfterSec ?? 0) * 1000;
          entry.retryNotBeforeMono =
            this.clock.monotonic() +
            backoffDelayMs(entry.consecutiveFailures, {
              baseMs: this.backoffBaseMs,
              maxMs: this.backoffMaxMs,
              retryAfterMs,
              random: this.random,
            });
          const needsPerson = problem.kind === 'needs-sign-in' || problem.kind === 'interaction-required';
          // Keep serving a still-valid token: a refresh failure is not an outage until expiry.
          this.setStatus(
            entry,
            needsPerson ? 'needs-sign-in' : entry.token ? this.timeStatus(entry) : 'error',
          );
          if (needsPerson) {
            if (!entry.signInAnnounced) this.emit('needs-sign-in', entry);
            entry.signInAnnounced = true;
          } else {
            this.emit('refresh-failed', entry);
          }
          throw problem;
        },
      )
      .finally(() => {
        entry.inFlight = undefined;
        this.reschedule();
      });
    entry.inFlight = attempt;
    // Scheduler-initiated refreshes have no caller; their failures are recorded above.
    attempt.catch(() => undefined);
    return attempt;
  }

  private timeStatus(entry: Entry): TokenStatus {
    const token = entry.token;
    if (!token) return 'pending';
    return tokenTimeStatus(token.expiresAt, this.clock.now(), {
      marginSec: this.marginSec,
      issuedAt: token.issuedAt,
    });
  }

  private refreshPoint(token: AcquiredToken): number {
    return refreshAt({ issuedAt: token.issuedAt, expiresAt: token.expiresAt, marginSec: this.marginSec });
  }

  /** When the scheduler should next act for this entry, or undefined if it waits for a person. */
  private dueAt(entry: Entry): number | undefined {
    if (entry.status === 'needs-sign-in') return undefined;
    if (entry.inFlight) return undefined;
    // Convert the monotonic not-before into wall time at today's offset, to compare with expiry.
    const notBefore = this.notBeforeMono(entry) - this.clock.monotonic() + this.clock.now();
    if (entry.retryNotBeforeMono !== undefined || !entry.token) return Math.max(this.clock.now(), notBefore);
    return Math.max(this.refreshPoint(entry.token), notBefore);
  }

  private notBeforeMono(entry: Entry): number {
    return earliestAutomaticRequest({
      lastRequestAt: entry.lastAttemptMono,
      retryNotBefore: entry.retryNotBeforeMono,
      minSpacingMs: this.minSpacingMs,
    });
  }

  private reschedule(delayMs?: number): void {
    if (!this.running) return;
    this.cancelTimer?.();
    const now = this.clock.now();
    let next = now + this.clockCheckMs;
    for (const entry of this.entries.values()) {
      const due = this.dueAt(entry);
      if (due !== undefined) next = Math.min(next, due);
      // Expiry changes the visible status even when no refresh is due.
      if (entry.token && entry.token.expiresAt > now) next = Math.min(next, entry.token.expiresAt);
    }
    const wait = delayMs ?? Math.max(0, next - now);
    this.cancelTimer = this.clock.setTimeout(() => this.tick(), wait);
  }

  private tick(): void {
    if (!this.running) return;
    const offset = this.clock.now() - this.clock.monotonic();
    // Wall time moved against monotonic time: the machine slept or the clock was set. Expiry is
    // wall time, so every countdown the UI shows is stale: publish all states again.
    const drift = offset - this.clockOffset;
    const clockJumped = Math.abs(drift) > 2_000;
    this.clockOffset = offset;
    if (drift < -2_000) {
      // Set back (by hand, or NTP fixing a fast clock): Entra's expiry did not move, so on the
      // new wall clock every token ends that much earlier. (Forward is sleep: nothing to fix.)
      for (const entry of this.entries.values())
        if (entry.token)
          entry.token = {
            ...entry.token,
            issuedAt: entry.token.issuedAt + drift,
            expiresAt: entry.token.expiresAt + drift,
          };
    }
    const now = this.clock.now();
    for (const entry of this.entries.values()) {
      const status =
        entry.token && entry.status !== 'refreshing' && entry.status !== 'needs-sign-in'
          ? this.timeStatus(entry)
          : entry.status;
      if (status !== entry.status) this.setStatus(entry, status);
      else if (clockJumped) this.emit('state-changed', entry);
      const due = this.dueAt(entry);
      if (due !== undefined && due <= now)
        void this.refresh(entry, { force: entry.token !== undefined }).catch(() => undefined);
    }
    this.reschedule();
  }

  private setStatus(entry: Entry, status: TokenStatus): void {
    if (entry.status === status) return;
    entry.status = status;
    this.emit('state-changed', entry);
  }

  private stateOf(entry: Entry): TokenState {
    const problem = entry.lastError;
    return {
      ...entry.key,
      status: entry.status,
      expiresAt: entry.token?.expiresAt,
      issuedAt: entry.token?.issuedAt,
      lastRefreshAt: entry.lastRefreshAt,
      nextRefreshAt: this.dueAt(entry),
      lastError: problem && {
        kind: problem.kind,
        message: problem.message,
        entraCode: problem.details.entraCode,
      },
      consecutiveFailures: entry.consecutiveFailures,
    };
  }

  private emit<E extends keyof EngineEvents>(event: E, entry: Entry): void {
    const state = this.stateOf(entry);
    for (const listener of this.listeners[event]) {
      try {
        (listener as (state: TokenState) => void)(state);
      } catch {
        // A failing sink must not stop the engine or the other sinks.
      }
    }
  }
}

function minValidUnmet(issuedMs: number, askedMs: number): PgentraError {
  return new PgentraError(
    'min-valid-unmet',
    `Entra ID issues tokens valid for ${formatSpan(issuedMs)}; a token valid for at least ${formatSpan(askedMs)} (--min-valid) cannot be had. Ask for less than ${formatSpan(issuedMs)}.`,
    { field: 'minValidSec' },
  );
}

/** Whole minutes (rounded down, so "ask for less than" stays true), hours when exact. */
function formatSpan(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes === 0) return `${Math.max(0, Math.floor(ms / 1000))} seconds`;
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} minutes`;
}
