// The core as the CLI and the tray see it: a small facade that composes the modules, each owning
// one concept (configuration, accounts, clusters, tokens, the pgpass and service-file sinks,
// connection targets), and says what happens across them (removing a cluster rewrites pgpass and
// the service file; signing out drops the account's tokens). Faces never reach past it.
import os from 'node:os';
import { Accounts, type AccountsDeps, type SignInOptions } from './accounts.js';
import type { SignedInAccount } from './auth/msal-session.js';
import { Azure } from './azure/azure.js';
import {
  ClusterCatalog,
  type ClusterPreview,
  type ClusterSubmission,
  type ClusterView,
} from './cluster-catalog.js';
import { ClusterTokens, type SessionProof } from './cluster-tokens.js';
import { Configuration } from './configuration.js';
import type { SettingsChange } from '../shared/settings.js';
import type { ClusterStatus } from '../shared/token-status.js';
import { configProblemText, type ConfigProblem, type Settings } from './config-store.js';
import { ConnectionTargets, type ConnectionTargetsDeps, type TlsChoice } from './connection-targets.js';
import type { EngineEvents, GetTokenOptions, TokenState } from './engine/types.js';
import type { ConnectionTarget } from './launch/connection.js';
import { ServiceSink, type ServiceReport } from './pg-service-sink.js';
import { PgpassSink, type PgpassAdoption, type PgpassReport } from './pgpass-sink.js';
import type { Browser, Clock, FileSystem, HttpsFetch } from './ports.js';

export type { ClusterPreview, ClusterStatus, ClusterSubmission, ClusterView, ConfigProblem };
export type { PgpassReport, ServiceReport, SettingsChange };
export { ClusterNotFoundError } from './cluster-catalog.js';

export interface PgentraDeps extends Pick<ConnectionTargetsDeps, 'tlsRootsDir'>, Pick<AccountsDeps, 'fetch'> {
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
  /** HTTPS for Azure Resource Manager and the public-IP service (tests give their own). */
  https?: (extraCa: Buffer[]) => HttpsFetch;
}

export class Pgentra {
  private readonly accountsOf: Accounts;
  private readonly catalog: ClusterCatalog;
  private readonly tokens: ClusterTokens;
  private readonly pgpass: PgpassSink;
  private readonly targets: ConnectionTargets;
  private readonly service: ServiceSink;
  /** Discovery, pre-connect checks and firewall rules, through Azure Resource Manager. */
  readonly azure: Azure;

  private constructor(
    deps: PgentraDeps,
    private readonly configuration: Configuration,
  ) {
    const { fs, clock, env, warn } = deps;
    const place = { env, homedir: deps.homedir ?? os.homedir(), platform: deps.platform ?? process.platform };
    const accounts = (this.accountsOf = new Accounts({ ...deps, configuration }));
    const signedInAccounts = () => accounts.list();
    const catalog = (this.catalog = new ClusterCatalog({ configuration, signedInAccounts }));
    const clusters = () => catalog.list();
    const cloud = (name?: string) => configuration.cloud(name);
    const { refreshMarginSec } = configuration.settings;
    const tokenDeps = { ...deps, source: accounts.tokenSource, refreshMarginSec, clusters, cloud, accounts };
    this.tokens = new ClusterTokens(tokenDeps);
    const settings = () => configuration.settings;
    const pgpass = (this.pgpass = new PgpassSink({
      ...{ fs, clock, env, warn, settings, clusters, signedInAccounts },
      ...place,
      tokens: this.tokens,
    }));
    const cluster = (n: string) => catalog.get(n);
    const targets = (this.targets = new ConnectionTargets({ ...deps, place, cloud, pgpass, cluster }));
    const target = (name: string) => targets.target(name, { ensureToken: false });
    this.service = new ServiceSink({ fs, clock, place, warn, settings, clusters, target });
    const azureDeps = { ...deps, cloud, settings, tokens: this.tokens, tokenSource: accounts.tokenSource };
    this.azure = new Azure({ ...azureDeps, accounts: signedInAccounts });
  }

  static async open(deps: PgentraDeps): Promise<Pgentra> {
    return new Pgentra(deps, await Configuration.open(deps));
  }

  get settings(): Settings {
    return this.configuration.settings;
  }

  /** Reads config.json again (another process may have changed it); true when it changed. */
  async reload(): Promise<boolean> {
    const changed = await this.configuration.reload();
    this.accountsOf.forget();
    this.tokens.setRefreshMarginSec(this.settings.refreshMarginSec);
    return changed;
  }

  async updateSettings(patch: SettingsChange): Promise<void> {
    const before = this.settings;
    const pgpassBefore = this.pgpass.placement();
    const serviceWasOn = this.service.enabled;
    await this.configuration.updateSettings(patch);
    this.tokens.setRefreshMarginSec(this.settings.refreshMarginSec);
    if (this.settings.clientId !== before.clientId || this.settings.tenant !== before.tenant)
      this.accountsOf.reset();
    await this.pgpass.followSettings(pgpassBefore);
    await this.service.follow(serviceWasOn);
  }

  cloudNames = (): string[] => this.configuration.cloudNames();
  /** Entries of config.json set aside as invalid (every face shows them), and the file's path. */
  configProblems = (): readonly ConfigProblem[] => this.configuration.problems;
  configFile = (): string => this.configuration.file;
  configProblemLines = (): string[] =>
    this.configuration.problems.map((problem) => configProblemText(problem, this.configuration.file));
  accounts = (): Promise<SignedInAccount[]> => this.accountsOf.list();
  cacheBackend = (): Promise<string> => this.accountsOf.cacheBackend();

  async signIn(options: SignInOptions): Promise<SignedInAccount> {
    const account = await this.accountsOf.signIn(options);
    await this.tokens.accountSignedIn(account.id);
    return account;
  }

  async signOut(accountId: string): Promise<void> {
    await this.accountsOf.signOut(accountId);
    await this.tokens.accountSignedOut(accountId);
    await this.pgpass.sync({ userAction: false, onlyCached: true });
  }

  /** Sign-ins other processes made (waiting tokens retry) or found gone: true when the latter changed. */
  async noticeSignInsElsewhere(): Promise<boolean> {
    for (const account of await this.accountsOf.signInsElsewhere())
      await this.tokens.accountSignedIn(account, { onlyWaiting: true });
    return this.tokens.reloadSignIns();
  }

  clusters = (): ClusterView[] => this.catalog.list();
  cluster = (name: string): ClusterView => this.catalog.get(name);
  clusterFor = (target: { host: string; port: number; user: string }): ClusterView =>
    this.catalog.find(target);
  addCluster = (input: ClusterSubmission): Promise<ClusterView> => this.changed(this.catalog.add(input));
  updateCluster = (name: string, input: ClusterSubmission): Promise<ClusterView> =>
    this.changed(this.catalog.update(name, input));
  previewCluster = (form: Partial<ClusterSubmission>, editing?: string): ClusterPreview =>
    this.catalog.preview(form, editing);

  async removeCluster(name: string): Promise<void> {
    await this.changed(this.catalog.remove(name));
    if (this.pgpass.enabled) await this.pgpass.sync({ userAction: false, onlyCached: true });
  }

  /** Every cluster change reaches the service file (a failure there is a warning, not the change's). */
  private async changed<T>(change: Promise<T>): Promise<T> {
    const result = await change;
    await this.service.follow();
    return result;
  }

  token = (cluster: ClusterView, options?: GetTokenOptions) => this.tokens.token(cluster, options);
  tokenState = (cluster: ClusterView): TokenState | undefined => this.tokens.stateFor(cluster);
  proveSession = (cluster: ClusterView): Promise<SessionProof> => this.tokens.proveSession(cluster);
  status = (): Promise<ClusterStatus[]> => this.tokens.status();
  trackClusters = (): Promise<void> => this.tokens.track();
  primeFromCache = (): Promise<void> => this.tokens.primeFromCache();

  /** Fetches new tokens now: the named cluster's, or every tracked one. */
  async refresh(name?: string): Promise<void> {
    await this.tokens.refresh(name === undefined ? undefined : this.catalog.get(name));
  }

  onTokens = <E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): (() => void) =>
    this.tokens.on(event, listener);

  startRefreshing = (): void => this.tokens.start();
  stopRefreshing = (): void => this.tokens.stop();

  pgpassPath = (): string => this.pgpass.path();
  /** What adopting this file as the pgpass file would do to it (the window asks before). */
  inspectPgpassFile = (file: string): Promise<PgpassAdoption> => this.pgpass.inspect(file);
  syncPgpass = (options: { userAction: boolean; onlyCached?: boolean }): Promise<PgpassReport> =>
    this.pgpass.sync(options);
  syncPgpassSoon = (log: (message: string) => void): void => this.pgpass.syncSoon(log);
  stopPgpassSync = (): void => this.pgpass.stop();
  cleanPgpass = (): Promise<{ path: string; changed: boolean }> => this.pgpass.clean();

  serviceFilePath = (): string => this.service.path();
  syncServiceFile = (): Promise<ServiceReport> => this.service.sync();
  /** Brings the service file in line with the config if it is on; problems become warnings. */
  followServiceFile = (): Promise<void> => this.service.follow();
  cleanServiceFile = (): Promise<ServiceReport> => this.service.clean();

  connectionTarget = (name: string, options: { ensureToken: boolean }): Promise<ConnectionTarget> =>
    this.targets.target(name, options);
  connectionString = (name: string): Promise<string> => this.targets.connectionString(name);
  tlsFor = (cluster: ClusterView): TlsChoice => this.targets.tlsFor(cluster);
}
