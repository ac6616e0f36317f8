// The config file as the other core modules see it: the current settings and clusters, the clouds
// they name, and the only ways to change them (a reload from disk, an atomic update).
import { allClouds, resolveCloud, type Cloud } from './clouds.js';
import { ConfigStore, type Config, type Settings } from './config-store.js';
import type { Clock, FileSystem } from './ports.js';
import type { SettingsChange } from '../shared/settings.js';

/** What the other modules may read of the configuration: no writes. */
export interface ConfigView {
  readonly config: Config;
  readonly settings: Settings;
  cloud(name?: string): Cloud;
  /** Every cloud a sign-in may live in: the default one and each cluster's. */
  cloudsInUse(): Set<string>;
}

export class Configuration implements ConfigView {
  private constructor(
    private readonly store: ConfigStore,
    private current: Config,
  ) {}

  static async open(deps: { fs: FileSystem; clock: Clock; configDir: string }): Promise<Configuration> {
    const store = new ConfigStore({ fs: deps.fs, dir: deps.configDir, clock: deps.clock });
    return new Configuration(store, await store.load());
  }

  get config(): Config {
    return this.current;
  }

  get settings(): Settings {
    return this.current.settings;
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
    const before = JSON.stringify(this.current);
    this.current = await this.store.load();
    return JSON.stringify(this.current) !== before;
  }

  /** Changes the file under its lock, from what is on disk now (not from our copy). */
  async update(change: (config: Config) => Config): Promise<Config> {
    this.current = await this.store.update(change);
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
    clipboardClearSec: patch.clipboardClearSec ?? s.clipboardClearSec,
    terminal: patch.terminal ?? s.terminal,
    ...(pgadminPath === undefined ? {} : { pgadminPath }),
    clientId: patch.clientId ?? s.clientId,
    tenant: patch.tenant ?? s.tenant,
    startAtLogin: patch.startAtLogin ?? s.startAtLogin,
  };
}
