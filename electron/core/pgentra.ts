// The core as the CLI and the tray see it: config, sign-in, clusters, the token engine and the
// sinks, composed once. Faces (cli/, main/) call these methods and never reach past them.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OpenedCache } from './auth/cache-persistence.js';
import { AuthError, PgentraError, describeFailure, type Failure } from './errors.js';
import { classifyAuthError } from './auth/classify.js';
import type { SignedInAccount, DeviceCodePrompt, MsalSession } from './auth/msal-session.js';
import { accountInCloud, allClouds, inferFromHost, resolveCloud, type Cloud } from './clouds.js';
import {
  buildCluster,
  ClusterValidationError,
  loginUserFor,
  resourceFor,
  type Cluster,
  type ClusterInput,
} from './clusters.js';
import { ConfigStore, type Config } from './config-store.js';
import { TokenEngine, type TokenKey, type TokenSource, type TokenState } from './engine/token-engine.js';
import type { ConnectionTarget } from './launch/connection.js';
import { cleanPgpass, resolvePgpassPath, syncPgpass, type PgpassEntry } from './pgpass/index.js';
import type { Browser, Clock, FileSystem } from './ports.js';
import { decodeClaims, timeLeftSec, tokenUser } from './tokens.js';

export interface PgentraDeps {
  configDir: string;
  env: NodeJS.ProcessEnv;
  fs: FileSystem;
  clock: Clock;
  platform?: NodeJS.Platform;
  homedir?: string;
  /** Opens sign-in URLs; the CLI's --no-browser replaces it with printing the URL. */
  browser: Browser;
  /** Warnings a person should see (plaintext cache, fixed pgpass permissions). Never a token. */
  warn: (message: string) => void;
}

export interface ClusterView extends Cluster {
  loginUser: string;
  resource: string;
}

export interface ClusterStatus {
  name: string;
  state: TokenState['status'] | 'no-account';
  expiresAt: string | null;
  secondsLeft: number | null;
  account: string | null;
  error: string | null;
  entraCode: string | null;
}

export interface PgpassReport {
  path: string;
  changed: boolean;
  written: number;
  /** Clusters left out of the file, each with what went wrong (the CLI's exit code comes from it). */
  problems: { cluster: string; message: string; failure: Failure }[];
}

export class ClusterNotFoundError extends PgentraError {
  override readonly name = 'ClusterNotFoundError';
  constructor(message: string) {
    super('cluster-not-found', message);
  }
}

export class Pgentra {
  private sessions = new Map<string, Promise<MsalSession>>();
  private cacheOpened: Promise<OpenedCache> | undefined;
  private accountsCache: SignedInAccount[] | undefined;
  private signInsSeen: Map<string, string> | undefined;
  readonly engine: TokenEngine;

  private constructor(
    private readonly deps: PgentraDeps,
    private readonly store: ConfigStore,
    private config: Config,
  ) {
    const source: TokenSource = {
      // The engine decides retries by AuthError kind: whatever MSAL or the keychain throws is classified here.
      acquire: (request) =>
        this.sessionForAccount(request.accountId)
          .then((session) => session.acquire(request))
          .catch((error: unknown) => Promise.reject(classifyAuthError(error))),
    };
    this.engine = new TokenEngine({
      source,
      clock: deps.clock,
      refreshMarginSec: config.settings.refreshMarginSec,
    });
  }

  static async open(deps: PgentraDeps): Promise<Pgentra> {
    const store = new ConfigStore({ fs: deps.fs, dir: deps.configDir, clock: deps.clock });
    const config = await store.load();
    return new Pgentra(deps, store, config);
  }

  get settings(): Config['settings'] {
    return this.config.settings;
  }

  /** Reads config.json again (another process may have changed it); true when it changed. */
  async reload(): Promise<boolean> {
    const before = JSON.stringify(this.config);
    this.config = await this.store.load();
    this.accountsCache = undefined;
    this.engine.setRefreshMarginSec(this.config.settings.refreshMarginSec);
    return JSON.stringify(this.config) !== before;
  }

  /**
   * Retries tokens waiting for a sign-in when the shared cache shows that another process (say
   * `pgentra login` while the tray runs) signed that account in again. The first call only
   * records what the cache holds.
   */
  async noticeSignInsElsewhere(): Promise<void> {
    const seen = new Map<string, string>();
    for (const session of this.sessions.values())
      for (const [account, fingerprint] of await (await session).signInFingerprints())
        seen.set(account, fingerprint);
    const before = this.signInsSeen;
    this.signInsSeen = seen;
    if (!before) return;
    for (const [account, fingerprint] of seen)
      if (before.get(account) !== fingerprint) {
        this.accountsCache = undefined;
        this.engine.accountSignedIn(account, { onlyWaiting: true });
      }
  }

  // ---- clouds and sign-in ----------------------------------------------------------------

  cloud(name?: string): Cloud {
    return resolveCloud(name ?? this.config.settings.cloud, this.config.settings.customClouds);
  }

  private async openCache() {
    this.cacheOpened ??= (async () => {
      const { openCachePersistence } = await import('./auth/cache-persistence.js');
      const opened = await openCachePersistence({
        configDir: this.deps.configDir,
        allowPlaintext: this.config.settings.allowPlaintextCache,
      });
      if (opened.warning) this.deps.warn(opened.warning);
      return opened;
    })();
    return this.cacheOpened;
  }

  async cacheBackend(): Promise<string> {
    return (await this.openCache()).backend;
  }

  private session(cloudName?: string): Promise<MsalSession> {
    const cloud = this.cloud(cloudName);
    let session = this.sessions.get(cloud.name);
    if (!session) {
      session = (async () => {
        const [{ MsalSession }, { SharedCachePlugin }, { createHttpsNetworkClient }, { acquireFileLock }] =
          await Promise.all([
            import('./auth/msal-session.js'),
            import('./auth/cache-persistence.js'),
            import('./auth/network-client.js'),
            import('./files/lock.js'),
          ]);
        const opened = await this.openCache();
        const lockPath = `${opened.cachePath}.lock`;
        const acquireLock = () =>
          acquireFileLock(this.deps.fs, lockPath, {
            clock: this.deps.clock,
            timeoutMs: 30_000,
            staleMs: 60_000,
          });
        const extraCa = cloud.caFile ? [await fsp.readFile(cloud.caFile)] : [];
        return MsalSession.create({
          settings: {
            authorityHost: cloud.authorityHost,
            knownAuthorities: cloud.knownAuthorities,
            clientId: this.config.settings.clientId,
            tenant: this.config.settings.tenant,
          },
          cachePlugin: new SharedCachePlugin(opened.persistence, acquireLock, (message) =>
            this.deps.warn(message),
          ),
          networkClient: createHttpsNetworkClient({ extraCa }),
        });
      })();
      session.catch(() => this.sessions.delete(cloud.name));
      this.sessions.set(cloud.name, session);
    }
    return session;
  }

  private async sessionForAccount(accountId: string): Promise<MsalSession> {
    const clouds = new Set(
      this.config.clusters.map((cluster) => cluster.cloud ?? this.config.settings.cloud),
    );
    clouds.add(this.config.settings.cloud);
    for (const cloudName of clouds) {
      const session = await this.session(cloudName);
      const account = (await session.accounts()).find((known) => known.id === accountId);
      if (!account) continue;
      // Every session sees every account (one shared cache); tokens come from the account's own cloud.
      const home = allClouds(this.config.settings.customClouds).find((cloud) =>
        accountInCloud(account.environment, cloud),
      );
      return home ? this.session(home.name) : session;
    }
    throw new AuthError('needs-sign-in', 'This account is not signed in on this computer.');
  }

  async signIn(options: {
    method: 'browser' | 'device-code';
    cloud?: string;
    tenant?: string;
    openBrowser?: (url: string) => Promise<void>;
    onDeviceCode: (prompt: DeviceCodePrompt) => void;
  }): Promise<SignedInAccount> {
    const cloud = this.cloud(options.cloud);
    const session = await this.session(cloud.name);
    const resource = cloud.resources.flexible;
    const account =
      options.method === 'device-code'
        ? await session.signInDeviceCode({ resource, tenant: options.tenant, onCode: options.onDeviceCode })
        : await session.signInInteractive({
            resource,
            tenant: options.tenant,
            openBrowser: options.openBrowser ?? ((url) => this.deps.browser.open(url)),
            successPage: '<h1>pgentra: you are signed in</h1><p>You can close this tab.</p>',
          });
    this.accountsCache = undefined;
    this.engine.accountSignedIn(account.id);
    return account;
  }

  async accounts(): Promise<SignedInAccount[]> {
    if (this.accountsCache) return this.accountsCache;
    const clouds = new Set([
      this.config.settings.cloud,
      ...this.config.clusters.map((c) => c.cloud ?? this.config.settings.cloud),
    ]);
    const all: SignedInAccount[] = [];
    for (const cloudName of clouds) {
      for (const account of await (await this.session(cloudName)).accounts()) {
        if (!all.some((known) => known.id === account.id)) all.push(account);
      }
    }
    this.accountsCache = all;
    return all;
  }

  async signOut(accountId: string): Promise<void> {
    for (const sessionPromise of this.sessions.values()) await (await sessionPromise).signOut(accountId);
    this.accountsCache = undefined;
    this.engine.setTrackedKeys(this.engine.states().filter((state) => state.accountId !== accountId));
    await this.syncPgpass({ userAction: false, onlyCached: true });
  }

  // ---- clusters --------------------------------------------------------------------------

  clusters(): ClusterView[] {
    return this.config.clusters.map((cluster) => this.view(cluster));
  }

  private view(cluster: Cluster): ClusterView {
    const cloud = this.cloud(cluster.cloud);
    return { ...cluster, loginUser: loginUserFor(cluster), resource: resourceFor(cluster, cloud) };
  }

  cluster(name: string): ClusterView {
    const cluster = this.config.clusters.find((c) => c.name === name);
    if (!cluster) {
      const known = this.config.clusters.map((c) => c.name);
      throw new ClusterNotFoundError(
        `no cluster named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ' (add one with `pgentra cluster add`)'}`,
      );
    }
    return this.view(cluster);
  }

  /** Finds the cluster pgAdmin or a script means by host, port and user (the exact login user). */
  clusterFor(target: { host: string; port: number; user: string }): ClusterView {
    const match = this.clusters().find(
      (c) =>
        c.host.toLowerCase() === target.host.toLowerCase() &&
        c.port === target.port &&
        (c.loginUser === target.user || c.user === target.user),
    );
    if (!match)
      throw new ClusterNotFoundError(
        `no cluster for ${target.user} at ${target.host}:${target.port}; add it with \`pgentra cluster add\``,
      );
    return match;
  }

  async addCluster(
    input: Omit<ClusterInput, 'user' | 'tenant'> & { user?: string; tenant?: string | null },
  ): Promise<ClusterView> {
    let user = input.user;
    const account = input.account;
    if (!user && input.group)
      throw new ClusterValidationError('user', 'a group login needs the Entra group name as the user');
    if (!user) {
      // The database user defaults to the chosen (or only, or first) signed-in account's UPN.
      const accounts = await this.accounts().catch(() => []);
      const wanted = account?.toLowerCase();
      const chosen = wanted
        ? accounts.find((a) => a.username.toLowerCase() === wanted || a.id === account)
        : accounts[0];
      if (!chosen) {
        throw new AuthError(
          'needs-sign-in',
          "Sign in first (`pgentra login`) or give --user: the database user defaults to your account's UPN.",
        );
      }
      user = chosen.username;
    }
    // Without --account the account is chosen at use: the one named like the user, else the first.
    const cluster = buildCluster(
      { ...input, user, account, tenant: input.tenant ?? undefined },
      { defaultCloud: this.config.settings.cloud, customClouds: this.config.settings.customClouds },
    );
    this.config = await this.store.update((config) => {
      if (config.clusters.some((c) => c.name === cluster.name))
        throw new ClusterValidationError('name', `a cluster named "${cluster.name}" already exists`);
      return { ...config, clusters: [...config.clusters, cluster] };
    });
    return this.view(cluster);
  }

  /** What the form would produce, for validation as you type: inferred kind, cloud and user. */
  previewCluster(
    form: Partial<Omit<ClusterInput, 'user' | 'tenant'>> & { user?: string; tenant?: string | null },
  ): {
    kind: Cluster['kind'] | null;
    cloud: string | null;
    loginUser: string | null;
    problems: { field: string; message: string }[];
  } {
    const host = form.host?.trim() ?? '';
    const inferred = host ? inferFromHost(host, this.config.settings.customClouds) : null;
    const kind = (form.kind as Cluster['kind'] | undefined) ?? inferred?.kind ?? null;
    const cloud = form.cloud ?? inferred?.cloud ?? (host ? this.config.settings.cloud : null);
    const problems: { field: string; message: string }[] = [];
    if (host && !kind)
      problems.push({ field: 'kind', message: 'cannot tell the server kind from this host: choose one' });
    if (form.name && this.config.clusters.some((c) => c.name === form.name))
      problems.push({ field: 'name', message: `a cluster named "${form.name}" already exists` });
    if (form.group && !form.user?.trim())
      problems.push({ field: 'user', message: 'a group login needs the Entra group name as the user' });
    let loginUser: string | null = null;
    if (kind && host && form.name && form.user) {
      try {
        const cluster = buildCluster(
          { ...form, name: form.name, host, user: form.user, kind, tenant: form.tenant ?? undefined },
          { defaultCloud: this.config.settings.cloud, customClouds: this.config.settings.customClouds },
        );
        loginUser = loginUserFor(cluster);
      } catch (error) {
        if (error instanceof ClusterValidationError)
          problems.push({ field: error.field, message: error.message.slice(error.field.length + 2) });
      }
    }
    return { kind, cloud, loginUser, problems };
  }

  async updateCluster(
    name: string,
    input: Omit<ClusterInput, 'user' | 'tenant'> & { user?: string; tenant?: string | null },
  ): Promise<ClusterView> {
    const existing = this.cluster(name);
    if (input.name !== name)
      throw new ClusterValidationError('name', 'a cluster cannot be renamed; remove it and add it again');
    // The window's form does not show every field: keep what it does not send.
    const cluster = buildCluster(
      {
        ...input,
        user: input.user ?? existing.user,
        sslRootCert: input.sslRootCert ?? existing.sslRootCert,
        // null: the form cleared it; absent: a caller that does not know about tenants.
        tenant: input.tenant === undefined ? existing.tenant : (input.tenant ?? undefined),
      },
      { defaultCloud: this.config.settings.cloud, customClouds: this.config.settings.customClouds },
    );
    this.config = await this.store.update((config) => ({
      ...config,
      clusters: config.clusters.map((c) => (c.name === name ? cluster : c)),
    }));
    return this.view(cluster);
  }

  async updateSettings(patch: {
    refreshMarginSec?: number;
    pgpassEnabled?: boolean;
    pgpassPath?: string | null;
    clipboardClearSec?: number;
    terminal?: string[];
    pgadminPath?: string | null;
    clientId?: string;
    tenant?: string;
    startAtLogin?: boolean;
  }): Promise<void> {
    const identityChanged =
      (patch.clientId !== undefined && patch.clientId !== this.config.settings.clientId) ||
      (patch.tenant !== undefined && patch.tenant !== this.config.settings.tenant);
    const pgpassBefore = { enabled: this.config.settings.pgpass.enabled, path: this.pgpassPath() };
    this.config = await this.store.update((config) => {
      const s = config.settings;
      return {
        ...config,
        settings: {
          ...s,
          refreshMarginSec: patch.refreshMarginSec ?? s.refreshMarginSec,
          pgpass: {
            enabled: patch.pgpassEnabled ?? s.pgpass.enabled,
            ...(patch.pgpassPath === undefined
              ? s.pgpass.path
                ? { path: s.pgpass.path }
                : {}
              : patch.pgpassPath
                ? { path: patch.pgpassPath }
                : {}),
          },
          clipboardClearSec: patch.clipboardClearSec ?? s.clipboardClearSec,
          terminal: patch.terminal ?? s.terminal,
          ...(patch.pgadminPath === undefined ? {} : { pgadminPath: patch.pgadminPath ?? undefined }),
          clientId: patch.clientId ?? s.clientId,
          tenant: patch.tenant ?? s.tenant,
          startAtLogin: patch.startAtLogin ?? s.startAtLogin,
        },
      };
    });
    this.engine.setRefreshMarginSec(this.config.settings.refreshMarginSec);
    // MSAL clients are bound to a client ID and tenant: build new ones on next use.
    if (identityChanged) {
      this.sessions.clear();
      this.accountsCache = undefined;
    }
    await this.followPgpassSettings(pgpassBefore);
  }

  /**
   * Turning pgpass off or moving it takes our block out of the old file (tokens must not linger
   * where nobody refreshes them); turning it on or moving it writes the tokens at once rather than
   * at the next refresh, up to an hour later.
   */
  private async followPgpassSettings(before: { enabled: boolean; path: string }): Promise<void> {
    const after = { enabled: this.config.settings.pgpass.enabled, path: this.pgpassPath() };
    const moved = after.path !== before.path;
    if (before.enabled && (!after.enabled || moved)) {
      await cleanPgpass({ fs: this.deps.fs, path: before.path, clock: this.deps.clock }).catch(
        (error: unknown) =>
          this.deps.warn(
            `pgpass: could not remove pgentra's lines from ${before.path}: ${error instanceof Error ? error.message : String(error)}`,
          ),
      );
    }
    if (after.enabled && (!before.enabled || moved))
      await this.syncPgpass({ userAction: false, onlyCached: true });
  }

  cloudNames(): string[] {
    return allClouds(this.config.settings.customClouds).map((cloud) => cloud.name);
  }

  /** The engine's state for a cluster's token, if its account is known (no I/O). */
  engineStateFor(cluster: ClusterView): TokenState | undefined {
    const account = this.accountsCache && this.pickAccount(cluster, this.accountsCache);
    return account ? this.engine.state(tokenKeyOf(cluster, account)) : undefined;
  }

  async removeCluster(name: string): Promise<void> {
    this.cluster(name);
    this.config = await this.store.update((config) => ({
      ...config,
      clusters: config.clusters.filter((c) => c.name !== name),
    }));
    if (this.config.settings.pgpass.enabled) await this.syncPgpass({ userAction: false, onlyCached: true });
  }

  // ---- tokens ----------------------------------------------------------------------------

  /**
   * Which signed-in account a cluster uses, among those of the cluster's cloud: its own setting,
   * else the one named like its user, else the first.
   */
  private pickAccount(
    cluster: ClusterView,
    signedIn: readonly SignedInAccount[],
  ): SignedInAccount | undefined {
    const cloud = this.cloud(cluster.cloud);
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

  async keyFor(cluster: ClusterView): Promise<TokenKey> {
    const accounts = await this.accounts();
    const account = this.pickAccount(cluster, accounts);
    if (!account) {
      const cloud = this.cloud(cluster.cloud);
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

  async token(
    cluster: ClusterView,
    options: { minValidSec?: number; userAction?: boolean } = {},
  ): Promise<{ token: string; expiresAt: number }> {
    const key = await this.keyFor(cluster);
    const token = await this.engine.getToken(key, options);
    return { token, expiresAt: this.engine.state(key)?.expiresAt ?? 0 };
  }

  /** Every cluster's key, for the scheduler: clusters sharing (account, resource) share one token. */
  async trackClusters(): Promise<void> {
    const keys: TokenKey[] = [];
    for (const cluster of this.clusters()) {
      const key = await this.keyFor(cluster).catch(() => undefined);
      if (
        key &&
        !keys.some(
          (k) => k.accountId === key.accountId && k.resource === key.resource && k.tenant === key.tenant,
        )
      )
        keys.push(key);
    }
    this.engine.setTrackedKeys(keys);
  }

  async status(): Promise<ClusterStatus[]> {
    const now = this.deps.clock.now();
    const rows: ClusterStatus[] = [];
    for (const cluster of this.clusters()) {
      let key: TokenKey | undefined;
      let problem: AuthError | undefined;
      try {
        key = await this.keyFor(cluster);
      } catch (error) {
        problem = error instanceof AuthError ? error : new AuthError('unknown', String(error));
      }
      const state = key && this.engine.state(key);
      const expiresAt = state?.expiresAt;
      rows.push({
        name: cluster.name,
        state: !key ? 'no-account' : (state?.status ?? 'pending'),
        expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null,
        secondsLeft: expiresAt ? Math.max(0, Math.floor((expiresAt - now) / 1000)) : null,
        account: key
          ? ((await this.accounts()).find((a) => a.id === key?.accountId)?.username ?? null)
          : null,
        error: problem?.message ?? state?.lastError?.message ?? null,
        entraCode: problem?.details.entraCode ?? state?.lastError?.entraCode ?? null,
      });
    }
    return rows;
  }

  /** Fills the engine from the shared cache (no forced network call) so `status` has numbers. */
  async primeFromCache(): Promise<void> {
    await this.trackClusters();
    await Promise.allSettled(
      this.engine.states().map((state) => this.engine.getToken(state, { userAction: true })),
    );
  }

  // ---- pgpass ----------------------------------------------------------------------------

  pgpassPath(): string {
    return resolvePgpassPath({
      setting: this.config.settings.pgpass.path,
      env: this.deps.env,
      homedir: this.deps.homedir ?? os.homedir(),
      platform: this.deps.platform ?? process.platform,
    });
  }

  async syncPgpass(options: { userAction: boolean; onlyCached?: boolean }): Promise<PgpassReport> {
    const file = this.pgpassPath();
    const entries: PgpassEntry[] = [];
    const problems: PgpassReport['problems'] = [];
    for (const cluster of this.clusters()) {
      try {
        const key = await this.keyFor(cluster);
        const known = this.engine.state(key);
        if (options.onlyCached && !known?.expiresAt) continue;
        const token = await this.engine.getToken(key, { userAction: options.userAction });
        entries.push({
          host: cluster.host,
          port: String(cluster.port),
          database: null,
          user: cluster.loginUser,
          password: token,
        });
      } catch (error) {
        const failure = describeFailure(error);
        problems.push({ cluster: cluster.name, message: `${failure.message} ${failure.advice}`, failure });
      }
    }
    // A cluster this run has no token for (this process never fetched one, or Entra is down)
    // keeps the line another process wrote while its token is still valid: removing a cluster
    // from the CLI must not take the tray's tokens for the others out of the file. Only while
    // the token's account is signed in, though: signing out takes that account's tokens out.
    const target = (host: string, port: string | number | null, user: string) =>
      JSON.stringify([host, String(port), user]);
    const written = new Set(entries.map((e) => target(e.host, e.port, e.user)));
    const signedIn = await this.accounts().catch((): SignedInAccount[] => []);
    const keepable = new Set(
      this.clusters()
        .map((c) => target(c.host, c.port, c.loginUser))
        .filter((key) => !written.has(key)),
    );
    const now = this.deps.clock.now();
    const result = await syncPgpass({
      fs: this.deps.fs,
      path: file,
      entries,
      clock: this.deps.clock,
      keepExisting: (entry) =>
        entry.database === null &&
        keepable.has(target(entry.host, entry.port, entry.user)) &&
        stillValid(entry.password, now) &&
        heldBySignedInAccount(entry.password, signedIn),
    });
    if (result.fixedMode)
      this.deps.warn(
        `${file} was readable by other users; pgentra set it to 0600 (libpq ignores a pgpass file with wider permissions).`,
      );
    return { path: file, changed: result.changed, written: entries.length, problems };
  }

  async cleanPgpass(): Promise<{ path: string; changed: boolean }> {
    const file = this.pgpassPath();
    const result = await cleanPgpass({ fs: this.deps.fs, path: file, clock: this.deps.clock });
    return { path: file, changed: result.changed };
  }

  // ---- connections -----------------------------------------------------------------------

  async connectionTarget(name: string, options: { ensureToken: boolean }): Promise<ConnectionTarget> {
    const cluster = this.cluster(name);
    if (options.ensureToken) {
      if (!this.config.settings.pgpass.enabled) {
        this.deps.warn('pgpass sync is off in the settings: libpq will not find a token in PGPASSFILE.');
      } else {
        const report = await this.syncPgpass({ userAction: true });
        const problem = report.problems.find((p) => p.cluster === name);
        if (problem) throw new AuthError('unknown', problem.message);
      }
    }
    return {
      host: cluster.host,
      port: cluster.port,
      database: cluster.database,
      user: cluster.loginUser,
      passfile: this.pgpassPath(),
      ...(await this.tlsFor(cluster)),
    };
  }

  /**
   * `verify-full` when there are root certificates to verify Azure's server certificate with: the
   * cluster's own, the cloud's, PGSSLROOTCERT, or libpq's default root.crt (where the Azure docs
   * tell people to put them); otherwise `require` (encrypted, server not verified). The window
   * shows which, and why.
   */
  async tlsFor(cluster: ClusterView): Promise<{ sslmode: 'verify-full' | 'require'; sslrootcert?: string }> {
    const env = this.deps.env;
    const platform = this.deps.platform ?? process.platform;
    const homedir = this.deps.homedir ?? os.homedir();
    const libpqDefault =
      platform === 'win32'
        ? path.win32.join(
            env.APPDATA ?? path.win32.join(homedir, 'AppData', 'Roaming'),
            'postgresql',
            'root.crt',
          )
        : path.join(homedir, '.postgresql', 'root.crt');
    const candidates = [
      cluster.sslRootCert,
      this.cloud(cluster.cloud).caFile,
      env.PGSSLROOTCERT,
      libpqDefault,
    ];
    for (const candidate of candidates) {
      if (!candidate) continue;
      if ((await this.deps.fs.lstat(candidate).catch(() => null)) !== null)
        return { sslmode: 'verify-full', sslrootcert: candidate };
    }
    return { sslmode: 'require' };
  }
}

/** Clusters that share (account, resource, tenant) share one token. */
function tokenKeyOf(cluster: ClusterView, account: SignedInAccount): TokenKey {
  return {
    accountId: account.id,
    resource: cluster.resource,
    ...(cluster.tenant ? { tenant: cluster.tenant } : {}),
  };
}

/**
 * Whether a token belongs to one of these accounts: its oid.tid is the account's home ID, or it
 * names the account's user. (A guest token from another tenant matches neither and is dropped;
 * the process that holds it writes it back at its next refresh.)
 */
function heldBySignedInAccount(token: string, accounts: readonly SignedInAccount[]): boolean {
  let claims;
  try {
    claims = decodeClaims(token);
  } catch {
    return false;
  }
  const user = tokenUser(claims)?.toLowerCase();
  const home = `${claims.oid}.${claims.tid}`.toLowerCase();
  return accounts.some((a) => a.id.toLowerCase() === home || a.username.toLowerCase() === user);
}

function stillValid(token: string, nowMs: number): boolean {
  try {
    return timeLeftSec(token, nowMs) > 0;
  } catch {
    return false;
  }
}
