// Tokens per cluster: which signed-in account each cluster uses, the token engine that keeps
// those tokens fresh (clusters sharing account, resource and tenant share one token), and the
// status rows the CLI, the tray and the window show.
import type { SignedInAccount } from './auth/msal-session.js';
import { SignInRecord } from './auth/sign-in-record.js';
import { accountInCloud, type Cloud } from './clouds.js';
import type { ClusterView } from './cluster-catalog.js';
import { assertHostTrusted } from './clusters.js';
import { TokenEngine } from './engine/token-engine.js';
import type { EngineEvents, GetTokenOptions, TokenKey, TokenSource, TokenState } from './engine/types.js';
import { AuthError, asAuthError, authKindOf } from './errors.js';
import type { Clock, FileSystem } from './ports.js';
import { MIN_REQUEST_SPACING_MS } from './refresh-policy.js';
import type { ClusterStatus } from '../shared/token-status.js';
import { decodeClaims, type TokenClaims } from './tokens.js';

export interface ClusterTokensDeps {
  source: TokenSource;
  clock: Clock;
  /** Where `sign-in-state.json` lives (the config dir), and warnings about it. */
  fs: FileSystem;
  configDir: string;
  warn: (message: string) => void;
  refreshMarginSec: number;
  clusters: () => ClusterView[];
  cloud: (name?: string) => Cloud;
  accounts: {
    list(): Promise<readonly SignedInAccount[]>;
    cached(): readonly SignedInAccount[] | undefined;
  };
}

export interface ClusterToken {
  token: string;
  expiresAt: number;
  /**
   * Entra throttled the refresh, so this is the current, still valid token, not a fresh one:
   * `warning` says so for a person, `retryAfterSec` is Entra's Retry-After, if it sent one.
   */
  throttled?: { warning: string; retryAfterSec?: number };
}

/** Whether a cluster's sign-in can still get tokens from Entra (`pgentra doctor`). */
export interface SessionProof {
  /** When Entra issued the newest token this check knows of (epoch ms). */
  lastIssuedAt?: number;
  /** True when a token issued within the request spacing stood in for a new request. */
  reused: boolean;
  /** Why no token could be had; absent when the sign-in is alive. */
  problem?: AuthError;
}

export class ClusterTokens {
  private readonly engine: TokenEngine;
  /** Sign-ins Entra refused, as any pgentra process found them: what the cache cannot tell. */
  private readonly signIns: SignInRecord;

  constructor(private readonly deps: ClusterTokensDeps) {
    this.engine = new TokenEngine({
      source: deps.source,
      clock: deps.clock,
      refreshMarginSec: deps.refreshMarginSec,
    });
    this.signIns = new SignInRecord(deps);
    this.engine.on('needs-sign-in', (state) => {
      if (state.lastError) this.signIns.markGone(state.accountId, state.lastError);
    });
    // A token from the cache issued before the loss proves nothing; one issued after it does.
    this.engine.on('token-updated', (state) => this.signIns.clear(state.accountId, state.issuedAt ?? 0));
  }

  on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): () => void {
    return this.engine.on(event, listener);
  }

  start(): void {
    this.engine.start();
  }

  stop(): void {
    this.engine.stop();
  }

  setRefreshMarginSec(marginSec: number): void {
    this.engine.setRefreshMarginSec(marginSec);
  }

  /**
   * A cluster's token. When Entra throttles the refresh this needed and the current token has
   * not expired, that token comes back with the refusal as `throttled` (the face warns): a
   * connection opened now works, and asking Entra again before its Retry-After only prolongs it.
   */
  async token(cluster: ClusterView, options: GetTokenOptions = {}): Promise<ClusterToken> {
    return this.recording(() => this.tokenOf(cluster, options));
  }

  /**
   * Runs `work` with the sign-in record loaded, and returns only once what it learnt about the
   * sign-in is on disk: a CLI process exits right after.
   */
  private async recording<T>(work: () => Promise<T>): Promise<T> {
    await this.signIns.ready();
    try {
      return await work();
    } finally {
      await this.signIns.settled();
    }
  }

  private async tokenOf(cluster: ClusterView, options: GetTokenOptions): Promise<ClusterToken> {
    const key = await this.keyFor(cluster);
    try {
      const token = await this.engine.getToken(key, options);
      return { token, expiresAt: this.engine.state(key)?.expiresAt ?? 0 };
    } catch (error) {
      const expiresAt = this.engine.state(key)?.expiresAt;
      if (authKindOf(error) !== 'throttled' || !expiresAt || expiresAt <= this.deps.clock.now()) throw error;
      // Still valid, so asking for no minimum hands back the token in memory without a request.
      const token = await this.engine.getToken(key, { minValidSec: 0 });
      const { retryAfterSec } = asAuthError(error).details;
      return {
        token,
        expiresAt,
        throttled: { warning: this.throttledWarning(expiresAt, retryAfterSec), retryAfterSec },
      };
    }
  }

  private throttledWarning(expiresAt: number, retryAfterSec: number | undefined): string {
    const now = this.deps.clock.now();
    const minutes = Math.max(0, Math.floor((expiresAt - now) / 60_000));
    const retry =
      retryAfterSec === undefined
        ? 'ask again in a minute'
        : `Entra accepts a new request after ${new Date(now + retryAfterSec * 1000).toLocaleTimeString()} (in ${retryAfterSec} s)`;
    return `Entra ID is throttling token requests, so this is the current token, valid for ${minutes} more minutes, not a new one; ${retry}.`;
  }

  /**
   * Proves the sign-in behind a cluster can still get tokens: a token Entra issued less than the
   * request spacing ago proves it already; otherwise one real request (a forced refresh) does,
   * because a token from the cache says nothing about a revoked sign-in. A failure this process
   * already met is reported again without asking Entra a second time.
   */
  /** The cluster's token claims and the account it came from (who the user is, for Azure's checks). */
  async identity(cluster: ClusterView): Promise<{ accountId: string; claims: TokenClaims }> {
    const { token } = await this.token(cluster, { userAction: true });
    return { accountId: (await this.keyFor(cluster)).accountId, claims: decodeClaims(token) };
  }

  proveSession(cluster: ClusterView): Promise<SessionProof> {
    return this.recording(async () => {
      const key = await this.keyFor(cluster);
      const seen = this.engine.state(key);
      if (seen?.lastError) return this.proofOf(key);
      try {
        await this.engine.getToken(key, { userAction: true });
      } catch {
        return this.proofOf(key);
      }
      const issuedAt = this.engine.state(key)?.issuedAt;
      // A loss another process found after this token was issued: only Entra can say it is over.
      const lost = this.withRecord(key, this.engine.state(key))?.status === 'needs-sign-in';
      if (!lost && issuedAt !== undefined && this.deps.clock.now() - issuedAt < MIN_REQUEST_SPACING_MS)
        return { ...this.proofOf(key), reused: true };
      await this.engine.refreshNow(key);
      return this.proofOf(key);
    });
  }

  private proofOf(key: TokenKey): SessionProof {
    const state = this.engine.state(key);
    const problem = state?.lastError;
    return {
      lastIssuedAt: state?.issuedAt,
      reused: false,
      problem: problem && new AuthError(problem.kind, problem.message, { entraCode: problem.entraCode }),
    };
  }

  /** A cluster's token only if this process already holds one (no sign-in, no network). */
  hasToken(cluster: ClusterView): Promise<boolean> {
    return this.keyFor(cluster).then(
      (key) => Boolean(this.engine.state(key)?.expiresAt),
      () => false,
    );
  }

  /** The engine's state for a cluster's token, if its account is known (no I/O). */
  stateFor(cluster: ClusterView): TokenState | undefined {
    const accounts = this.deps.accounts.cached();
    const account = accounts && this.pickAccount(cluster, accounts);
    const key = account && tokenKeyOf(cluster, account);
    return key && this.withRecord(key, this.engine.state(key));
  }

  /**
   * The engine's state, or needs-sign-in when a pgentra process (this one earlier, or another)
   * found the account's sign-in gone after this token was issued: the token may still work for
   * a while, but no new one will come until a person signs in.
   */
  private withRecord(key: TokenKey, state: TokenState | undefined): TokenState | undefined {
    const gone = this.signIns.gone(key.accountId);
    if (!gone || state?.status === 'needs-sign-in') return state;
    if (state?.issuedAt !== undefined && state.issuedAt > gone.since) return state;
    return {
      consecutiveFailures: 0,
      ...key,
      ...state,
      status: 'needs-sign-in',
      nextRefreshAt: undefined,
      lastError: { kind: gone.kind, message: gone.message, entraCode: gone.entraCode ?? undefined },
    };
  }

  /** Fetches a new token now: one cluster's, or every tracked one. */
  refresh(cluster?: ClusterView): Promise<void> {
    return this.recording(async () =>
      this.engine.refreshNow(cluster ? await this.keyFor(cluster) : undefined),
    );
  }

  /** Every cluster's key, for the scheduler. */
  async track(): Promise<void> {
    const keys: TokenKey[] = [];
    for (const cluster of this.deps.clusters()) {
      const key = await this.keyFor(cluster).catch(() => undefined);
      if (key && !keys.some((known) => sameKey(known, key))) keys.push(key);
    }
    this.engine.setTrackedKeys(keys);
  }

  /**
   * A sign-in: retry what waited for it. A person signing in here also ends a recorded loss; one
   * seen in the shared cache (`onlyWaiting`) was recorded by the process that made it.
   */
  async accountSignedIn(accountId: string, options: { onlyWaiting?: boolean } = {}): Promise<void> {
    this.engine.accountSignedIn(accountId, options);
    if (options.onlyWaiting) return;
    await this.recording(async () => this.signIns.clear(accountId));
  }

  /** Signed out: its tokens go, and so does any recorded loss (there is no sign-in to lose). */
  async accountSignedOut(accountId: string): Promise<void> {
    this.engine.setTrackedKeys(this.engine.states().filter((state) => state.accountId !== accountId));
    await this.recording(async () => this.signIns.clear(accountId));
  }

  /** Reads `sign-in-state.json` again (the tray, every 15 s); true when what it says changed. */
  reloadSignIns(): Promise<boolean> {
    return this.signIns.reload();
  }

  /** Fills the engine from the shared cache (no forced network call) so `status` has numbers. */
  primeFromCache(): Promise<void> {
    return this.recording(async () => {
      await this.track();
      await Promise.allSettled(
        this.engine.states().map((state) => this.engine.getToken(state, { userAction: true })),
      );
    });
  }

  async status(): Promise<ClusterStatus[]> {
    await this.signIns.ready();
    const now = this.deps.clock.now();
    const rows: ClusterStatus[] = [];
    for (const cluster of this.deps.clusters()) {
      let key: TokenKey | undefined;
      let problem: AuthError | undefined;
      try {
        key = await this.keyFor(cluster);
      } catch (error) {
        problem = asAuthError(error);
      }
      const state = key && this.withRecord(key, this.engine.state(key));
      const expiresAt = state?.expiresAt;
      const accountId = key?.accountId;
      rows.push({
        name: cluster.name,
        state: !key ? 'no-account' : (state?.status ?? 'pending'),
        expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null,
        secondsLeft: expiresAt ? Math.max(0, Math.floor((expiresAt - now) / 1000)) : null,
        account: accountId
          ? ((await this.deps.accounts.list()).find((a) => a.id === accountId)?.username ?? null)
          : null,
        error: problem?.message ?? state?.lastError?.message ?? null,
        entraCode: problem?.details.entraCode ?? state?.lastError?.entraCode ?? null,
        warning: cluster.tls === 'require' ? TLS_REQUIRE_WARNING : null,
      });
    }
    return rows;
  }

  private async keyFor(cluster: ClusterView): Promise<TokenKey> {
    // Before any account or token: a host nobody vouched for gets nothing (configs older than the check too).
    assertHostTrusted(cluster, this.deps.cloud(cluster.cloud));
    const accounts = await this.deps.accounts.list();
    const account = this.pickAccount(cluster, accounts);
    if (!account) {
      const cloud = this.deps.cloud(cluster.cloud);
      throw new AuthError(
        'needs-sign-in',
        cluster.account
          ? `Cluster ${cluster.name} uses ${cluster.account}, which is not signed in to the ${cloud.name} cloud.`
          : accounts.length > 0
            ? `No account is signed in to the ${cloud.name} cloud, where ${cluster.name} is: run \`pgentra login --cloud ${cloud.name}\`.`
            : 'No account is signed in.',
      );
    }
    return tokenKeyOf(cluster, account);
  }

  /**
   * Which signed-in account a cluster uses, among those of the cluster's cloud: its own setting,
   * else the one named like its user, else the first.
   */
  private pickAccount(
    cluster: ClusterView,
    signedIn: readonly SignedInAccount[],
  ): SignedInAccount | undefined {
    const cloud = this.deps.cloud(cluster.cloud);
    const accounts = signedIn.filter((account) => accountInCloud(account.environment, cloud));
    if (cluster.account) {
      const wanted = cluster.account.toLowerCase();
      return accounts.find((a) => a.id === cluster.account || a.username.toLowerCase() === wanted);
    }
    if (!cluster.group) {
      const own = accounts.find((a) => a.username.toLowerCase() === cluster.user.toLowerCase());
      if (own) return own;
    }
    return accounts[0];
  }
}

const TLS_REQUIRE_WARNING = 'TLS require: the server is not verified';

/** Clusters that share (account, resource, tenant) share one token. */
function tokenKeyOf(cluster: ClusterView, account: SignedInAccount): TokenKey {
  return {
    accountId: account.id,
    resource: cluster.resource,
    ...(cluster.tenant ? { tenant: cluster.tenant } : {}),
  };
}

function sameKey(a: TokenKey, b: TokenKey): boolean {
  return a.accountId === b.accountId && a.resource === b.resource && a.tenant === b.tenant;
}
