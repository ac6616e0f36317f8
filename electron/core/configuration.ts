// The config file as the other core modules see it: the current settings and clusters, the clouds
// they name, the entries set aside as invalid, and the only ways to change them (a reload from
// disk, an atomic update).
import { allClouds, resolveCloud, type Cloud } from './clouds.js';
import { ConfigStore, type Config, type ConfigProblem, type Settings } from './config-store.js';
import type { Clock, FileSystem } from './ports.js';
import type { SettingsChange } from '../shared/settings.js';

/** What the other modules may read of the configuration: no writes. */
export interface ConfigView {
  readonly config: Config;
  readonly settings: Settings;
  /** Entries of config.json set aside as invalid: every face shows them. */
  readonly problems: readonly ConfigProblem[];
  readonly file: string;
  cloud(name?: string): Cloud;
  /** Every cloud a sign-in may live in: the default one and each cluster's. */
  cloudsInUse(): Set<string>;
}

export class Configuration implements ConfigView {
  private constructor(
    private readonly store: ConfigStore,
    private current: Config,
    private flagged: readonly ConfigProblem[],
  ) {}

  static async open(deps: { fs: FileSystem; clock: Clock; configDir: string }): Promise<Configuration> {
    const store = new ConfigStore({ fs: deps.fs, dir: deps.configDir, clock: deps.clock });
    const { config, problems } = await store.loadChecked();
    return new Configuration(store, config, problems);
  }

  get config(): Config {
    return this.current;
  }

  get settings(): Settings {
    return this.current.settings;
  }

  get problems(): readonly ConfigProblem[] {
    return this.flagged;
  }

  get file(): string {
    return this.store.file;
  }

  cloud(name?: string): Cloud {
    return resolveCloud(name ?? this.settings.cloud, this.settings.customClouds);
  }

  cloudNames(): string[] {
    return allClouds(this.settings.customClouds).map((cloud) => cloud.name);
  }

  cloudsInUse(): Set<string> {
    return new Set([
      this.settings.cloud,
      ...this.current.clusters.map((c) => c.cloud ?? this.settings.cloud),
    ]);
  }

  /** Reads config.json again (another process may have changed it); true when it changed. */
  async reload(): Promise<boolean> {
    const before = JSON.stringify([this.current, this.flagged]);
    const { config, problems } = await this.store.loadChecked();
    this.current = config;
    this.flagged = problems;
    return JSON.stringify([this.current, this.flagged]) !== before;
  }

  /**
   * Changes the file under its lock, from what is on disk now (not from our copy). `drop` removes
   * set-aside entries the user chose (by their `entry`); the others are written back as they were.
   */
  async update(
    change: (config: Config) => Config,
    options: { drop?: readonly string[] } = {},
  ): Promise<Config> {
    const { config, problems } = await this.store.update(change, options);
    this.current = config;
    this.flagged = problems;
    return this.current;
  }

  async updateSettings(patch: SettingsChange): Promise<void> {
    await this.update((config) => ({ ...config, settings: applySettingsPatch(config.settings, patch) }));
  }
}

function applySettingsPatch(s: Settings, patch: SettingsChange): Settings {
  const pgpassPath = patch.pgpassPath === undefined ? s.pgpass.path : (patch.pgpassPath ?? undefined);
  const { pgadminPath: _dropped, ...withoutPgadmin } = s;
  const pgadminPath = patch.pgadminPath === undefined ? s.pgadminPath : (patch.pgadminPath ?? undefined);
  return {
    ...withoutPgadmin,
    refreshMarginSec: patch.refreshMarginSec ?? s.refreshMarginSec,
    pgpass: { enabled: patch.pgpassEnabled ?? s.pgpass.enabled, ...(pgpassPath ? { path: pgpassPath } : {}) },
    pgService: { enabled: patch.pgServiceEnabled ?? s.pgService.enabled },
    clipboardClearSec: patch.clipboardClearSec ?? s.clipboardClearSec,
    terminal: patch.terminal ?? s.terminal,
    ...(pgadminPath === undefined ? {} : { pgadminPath }),
    clientId: patch.clientId ?? s.clientId,
    tenant: patch.tenant ?? s.tenant,
    startAtLogin: patch.startAtLogin ?? s.startAtLogin,
  };
}
