// The signed-in accounts: one MSAL session per cloud over one shared token cache, sign-in and
// sign-out, and noticing sign-ins another process (say `pgentra login` while the tray runs) made.
import path from 'node:path';
import type { OpenedCache } from './auth/cache-persistence.js';
import { classifyAuthError } from './auth/classify.js';
import type { DeviceCodePrompt, MsalSession, SignedInAccount } from './auth/msal-session.js';
import { accountInCloud, allClouds } from './clouds.js';
import type { ConfigView } from './configuration.js';
import type { TokenSource } from './engine/types.js';
import { AuthError } from './errors.js';
import type { Browser, Clock, FetchPort, FileSystem } from './ports.js';

export interface AccountsDeps {
  configuration: ConfigView;
  configDir: string;
  /** HTTPS_PROXY and NO_PROXY for the node:https client. */
  env?: NodeJS.ProcessEnv;
  /** Send MSAL's requests through this instead (the tray: Electron's net.fetch, system proxy and PAC). */
  fetch?: FetchPort;
  fs: FileSystem;
  clock: Clock;
  browser: Browser;
  warn: (message: string) => void;
}

export interface SignInOptions {
  method: 'browser' | 'device-code';
  cloud?: string;
  tenant?: string;
  openBrowser?: (url: string) => Promise<void>;
  onDeviceCode: (prompt: DeviceCodePrompt) => void;
}

export class Accounts {
  private sessions = new Map<string, Promise<MsalSession>>();
  private cacheOpened: Promise<OpenedCache> | undefined;
  private known: SignedInAccount[] | undefined;
  private signInsSeen: Map<string, string> | undefined;

  constructor(private readonly deps: AccountsDeps) {}

  /** Tokens for the engine; whatever MSAL or the keychain throws arrives classified. */
  readonly tokenSource: TokenSource = {
    acquire: (request) =>
      this.sessionForAccount(request.accountId)
        .then((session) => session.acquire(request))
        .catch((error: unknown) => Promise.reject(classifyAuthError(error))),
  };

  /** Every account signed in to a cloud in use, once each (cached until something changes). */
  async list(): Promise<SignedInAccount[]> {
    if (this.known) return this.known;
    const all: SignedInAccount[] = [];
    for (const cloudName of this.deps.configuration.cloudsInUse()) {
      for (const account of await (await this.session(cloudName)).accounts()) {
        if (!all.some((known) => known.id === account.id)) all.push(account);
      }
    }
    this.known = all;
    return all;
  }

  /** The accounts as last listed, without I/O (undefined before the first list). */
  cached(): readonly SignedInAccount[] | undefined {
    return this.known;
  }

  /** Drops what was learnt from the cache: the config or another process may have changed it. */
  forget(): void {
    this.known = undefined;
  }

  /** MSAL clients are bound to a client ID and tenant: after a change, build new ones on next use. */
  reset(): void {
    this.sessions.clear();
    this.known = undefined;
  }

  async cacheBackend(): Promise<string> {
    return (await this.openCache()).backend;
  }

  async signIn(options: SignInOptions): Promise<SignedInAccount> {
    const cloud = this.deps.configuration.cloud(options.cloud);
    const session = await this.session(cloud.name);
    const resource = cloud.resources.flexible;
    const account =
      options.method === 'device-code'
        ? await session.signInDeviceCode({ resource, tenant: options.tenant, onCode: options.onDeviceCode })
        : await session.signInInteractive({
            resource,
            tenant: options.tenant,
            openBrowser: options.openBrowser ?? ((url) => this.deps.browser.open(url)),
          });
    this.known = undefined;
    return account;
  }

  async signOut(accountId: string): Promise<void> {
    for (const session of this.sessions.values()) await (await session).signOut(accountId);
    this.known = undefined;
  }

  /**
   * The accounts whose sign-in changed in the shared cache since the last call (another process
   * signed them in again). The first call only records what the cache holds.
   */
  async signInsElsewhere(): Promise<string[]> {
    const seen = new Map<string, string>();
    for (const session of this.sessions.values())
      for (const [account, fingerprint] of await (await session).signInFingerprints())
        seen.set(account, fingerprint);
    const before = this.signInsSeen;
    this.signInsSeen = seen;
    if (!before) return [];
    const changed = [...seen].filter(([account, fingerprint]) => before.get(account) !== fingerprint);
    if (changed.length > 0) this.known = undefined;
    return changed.map(([account]) => account);
  }

  private openCache(): Promise<OpenedCache> {
    this.cacheOpened ??= (async () => {
      const { openCachePersistence } = await import('./auth/cache-persistence.js');
      const opened = await openCachePersistence({
        configDir: this.deps.configDir,
        allowPlaintext: this.deps.configuration.settings.allowPlaintextCache,
      });
      if (opened.warning) this.deps.warn(opened.warning);
      return opened;
    })();
    return this.cacheOpened;
  }

  private session(cloudName?: string): Promise<MsalSession> {
    const cloud = this.deps.configuration.cloud(cloudName);
    let session = this.sessions.get(cloud.name);
    if (!session) {
      session = this.createSession(cloud);
      session.catch(() => this.sessions.delete(cloud.name));
      this.sessions.set(cloud.name, session);
    }
    return session;
  }

  private async createSession(cloud: ReturnType<ConfigView['cloud']>): Promise<MsalSession> {
    // Loaded on first use: `pgentra list` and the agent's fast path never pay for MSAL.
    const [
      { MsalSession },
      { SharedCachePlugin },
      networkClients,
      { withMetadataCache, METADATA_CACHE_FILE },
      { acquireFileLock },
    ] = await Promise.all([
      import('./auth/msal-session.js'),
      import('./auth/cache-persistence.js'),
      import('./auth/network-client.js'),
      import('./auth/metadata-cache.js'),
      import('./files/lock.js'),
    ]);
    const { fs, clock, warn } = this.deps;
    const opened = await this.openCache();
    const lockPath = `${opened.cachePath}.lock`;
    const acquireLock = () => acquireFileLock(fs, lockPath, { clock, timeoutMs: 30_000, staleMs: 60_000 });
    const extraCa = cloud.caFile ? [await fs.readFile(cloud.caFile)] : [];
    const settings = this.deps.configuration.settings;
    return MsalSession.create({
      settings: {
        authorityHost: cloud.authorityHost,
        knownAuthorities: cloud.knownAuthorities,
        clientId: settings.clientId,
        tenant: settings.tenant,
      },
      cachePlugin: new SharedCachePlugin(opened.persistence, acquireLock, warn),
      // A cloud that names its own CA (a custom cloud, the testbed) stays on node:https, which can
      // trust it; net.fetch trusts only the OS's roots.
      networkClient: withMetadataCache(
        this.deps.fetch && extraCa.length === 0
          ? networkClients.createFetchNetworkClient({ fetch: this.deps.fetch })
          : networkClients.createHttpsNetworkClient({ extraCa, env: this.deps.env }),
        { fs, clock, file: path.join(this.deps.configDir, METADATA_CACHE_FILE), warn },
      ),
      clock,
    });
  }

  private async sessionForAccount(accountId: string): Promise<MsalSession> {
    const { configuration } = this.deps;
    for (const cloudName of configuration.cloudsInUse()) {
      const session = await this.session(cloudName);
      const account = (await session.accounts()).find((known) => known.id === accountId);
      if (!account) continue;
      // Every session sees every account (one shared cache); tokens come from the account's own cloud.
      const home = allClouds(configuration.settings.customClouds).find((cloud) =>
        accountInCloud(account.environment, cloud),
      );
      return home ? this.session(home.name) : session;
    }
    throw new AuthError('needs-sign-in', 'This account is not signed in on this computer.');
  }
}
