// config.json: one versioned, validated file shared by the tray and the CLI. Every change is a
// read-modify-write under a lock, so neither loses the other's edits; a file that does not parse
// or validate is moved aside (quarantined) and reported, never silently overwritten. A file from a
// newer pgentra is refused and left exactly where it is: it is valid, just not for us.
import { PgentraError, type FailureCode } from './errors.js';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { allClouds, BUILT_IN_CLOUD_NAMES, cloudResource, customCloudSchema } from './clouds.js';
import { clusterSchema } from './clusters.js';
import { resolveConfigDir as resolveConfigDirPositional } from './config-dir.js';
import { describeFsError, removeLeftoverTemps, writeFileAtomic } from './files/atomic-write.js';
import { withFileLock, type LockOptions } from './files/lock.js';
import { assertConfigTrusted } from './config-trust.js';
import type { Clock, FileSystem } from './ports.js';
import { settingsSchema as sharedSettingsSchema } from '../shared/settings.js';

export const CONFIG_VERSION = 1;
export const CONFIG_FILE_NAME = 'config.json';

/**
 * The directory holding config.json: `PGENTRA_HOME` if set, else the per-OS convention
 * (`~/Library/Application Support/pgentra`, `%APPDATA%\pgentra`, `$XDG_CONFIG_HOME/pgentra` or
 * `~/.config/pgentra`). It delegates to config-dir.ts, which the `pgentra token` fast path
 * imports without zod: tray and CLI must never disagree about where the file is.
 */
export function resolveConfigDir(
  options: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; homedir?: string } = {},
): string {
  return resolveConfigDirPositional(
    options.env ?? process.env,
    options.platform ?? process.platform,
    options.homedir ?? os.homedir(),
  );
}

// The shared settings plus what only the file holds: custom clouds need core's cloud rules.
const settingsSchema = sharedSettingsSchema.extend({
  customClouds: z.array(customCloudSchema).default([]),
});

export const configSchema = z
  .object({
    version: z.literal(CONFIG_VERSION, `version must be ${CONFIG_VERSION}`),
    settings: settingsSchema.default(settingsSchema.parse({})),
    clusters: z.array(clusterSchema).default([]),
  })
  // Cross-field rules, reported at the field a person would edit.
  .superRefine((config, context) => {
    const issue = (path: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path, message });
    const names = new Set<string>(BUILT_IN_CLOUD_NAMES);
    config.settings.customClouds.forEach((cloud, index) => {
      if (BUILT_IN_CLOUD_NAMES.some((name) => name === cloud.name))
        issue(
          ['settings', 'customClouds', index, 'name'],
          `"${cloud.name}" is a built-in cloud; give the custom one another name`,
        );
      else if (names.has(cloud.name))
        issue(['settings', 'customClouds', index, 'name'], `duplicate cloud name "${cloud.name}"`);
      names.add(cloud.name);
    });
    const clouds = allClouds(config.settings.customClouds);
    const unknown = (name: string) => `unknown cloud "${name}" (known: ${[...names].join(', ')})`;
    if (!names.has(config.settings.cloud)) issue(['settings', 'cloud'], unknown(config.settings.cloud));
    const seen = new Set<string>();
    config.clusters.forEach((cluster, index) => {
      if (seen.has(cluster.name))
        issue(['clusters', index, 'name'], `duplicate cluster name "${cluster.name}"`);
      seen.add(cluster.name);
      const cloud = clouds.find((c) => c.name === cluster.cloud);
      if (!cloud) return issue(['clusters', index, 'cloud'], unknown(cluster.cloud));
      const resource = cloudResource(cloud, cluster.kind);
      if (!resource.ok) issue(['clusters', index, 'kind'], resource.message);
    });
  });
export type Config = z.infer<typeof configSchema>;
export type Settings = Config['settings'];

export const defaultConfig = (): Config => configSchema.parse({ version: CONFIG_VERSION });

export type ConfigErrorCode =
  /** The file exists but could not be read (permissions, I/O). Left in place. */
  | 'unreadable'
  /** Not JSON. Quarantined (see quarantinedTo) unless moving it failed. */
  | 'invalid-json'
  /** JSON, but a field is wrong (see fields). Quarantined unless moving it failed. */
  | 'invalid'
  /** Written by a newer pgentra. Left in place, untouched. */
  | 'newer-version'
  /** A change asked of update() would make the config invalid. Nothing was written. */
  | 'invalid-change';

const FAILURE_BY_REASON = {
  unreadable: 'config-unreadable',
  'invalid-json': 'config-invalid',
  invalid: 'config-invalid',
  'newer-version': 'config-newer',
  'invalid-change': 'config-change-invalid',
} as const satisfies Record<ConfigErrorCode, FailureCode>;

export class ConfigError extends PgentraError {
  override readonly name = 'ConfigError';
  readonly reason: ConfigErrorCode;
  readonly file: string;
  /** Where the bad file now is; undefined if it was not moved. */
  readonly quarantinedTo?: string;
  /** Dotted paths of the offending fields, e.g. `clusters[0].port` (empty for non-JSON). */
  readonly fields: readonly string[];

  constructor(
    message: string,
    details: { code: ConfigErrorCode; file: string; quarantinedTo?: string; fields?: readonly string[] },
  ) {
    super(FAILURE_BY_REASON[details.code], message, { file: details.file });
    this.reason = details.code;
    this.file = details.file;
    this.quarantinedTo = details.quarantinedTo;
    this.fields = details.fields ?? [];
  }
}

function fieldPath(issue: z.core.$ZodIssue): string {
  return (
    issue.path
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
      .join('')
      .replace(/^\./, '') || '(top level)'
  );
}

/** At most three problems in the message (all of them in `fields`): enough to start fixing. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): { text: string; fields: string[] } {
  const fields = [...new Set(issues.map(fieldPath))];
  const text = issues
    .slice(0, 3)
    .map((issue) => `${fieldPath(issue)}: ${issue.message}`)
    .join('; ');
  return { text: issues.length > 3 ? `${text}; and ${issues.length - 3} more` : text, fields };
}

type ReadResult =
  | { kind: 'missing' }
  | { kind: 'ok'; config: Config }
  | { kind: 'newer'; version: number }
  | { kind: 'corrupt'; code: 'invalid-json' | 'invalid'; problem: string; fields: string[] };

export interface ConfigStoreDeps {
  fs: FileSystem;
  dir: string;
  clock: Clock;
  /** Lock tuning; tests shorten it. */
  lock?: Omit<LockOptions, 'clock'>;
}

export class ConfigStore {
  readonly file: string;
  private readonly lockFile: string;
  private readonly lockOptions: LockOptions;

  constructor(private readonly deps: ConfigStoreDeps) {
    this.file = path.join(deps.dir, CONFIG_FILE_NAME);
    this.lockFile = path.join(deps.dir, `${CONFIG_FILE_NAME}.lock`);
    // staleMs well above the critical section (a read, a parse, a write), so a live holder is
    // never taken over; a crashed one is after 30 s at most.
    this.lockOptions = { timeoutMs: 10_000, staleMs: 30_000, ...deps.lock, clock: deps.clock };
  }

  /**
   * The current config; the defaults when there is no file. Throws ConfigError for an unreadable,
   * corrupt, invalid or newer file — corrupt and invalid ones have been moved aside by then.
   */
  async load(): Promise<Config> {
    const first = await this.read();
    if (first.kind !== 'corrupt') return this.settle(first);
    // Moving aside happens only under the lock and after reading again: another pgentra may have
    // replaced the file since our read, and its valid config must not be the one we move.
    try {
      return await withFileLock(
        this.deps.fs,
        this.lockFile,
        async () => this.settle(await this.read()),
        this.lockOptions,
      );
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(
        `${this.file} ${first.problem}; it could not be moved aside (${describeFsError(error).reason}): fix or remove it.`,
        { code: first.code, file: this.file, fields: first.fields },
      );
    }
  }

  /** Read-modify-write under the lock; `change` may throw to abort without writing. */
  async update(change: (config: Config) => Config | Promise<Config>): Promise<Config> {
    await this.deps.fs.mkdir(this.deps.dir, 0o700);
    return withFileLock(
      this.deps.fs,
      this.lockFile,
      async () => {
        const current = await this.settle(await this.read());
        const parsed = configSchema.safeParse(await change(current));
        if (!parsed.success) {
          const { text, fields } = describeIssues(parsed.error.issues);
          throw new ConfigError(`not saved: the change would make ${this.file} invalid: ${text}`, {
            code: 'invalid-change',
            file: this.file,
            fields,
          });
        }
        // A writer killed mid-write left its temp file; we hold the lock, so none is live.
        await removeLeftoverTemps(this.deps.fs, this.file);
        await writeFileAtomic(
          this.deps.fs,
          this.file,
          Buffer.from(JSON.stringify(parsed.data, null, 2) + '\n'),
          { mode: 0o600 },
        );
        return parsed.data;
      },
      this.lockOptions,
    );
  }

  private async read(): Promise<ReadResult> {
    await assertConfigTrusted(this.deps.fs, { dir: this.deps.dir, file: this.file });
    let raw: Buffer;
    try {
      raw = await this.deps.fs.readFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw new ConfigError(`cannot read ${this.file}: ${describeFsError(error).reason}`, {
        code: 'unreadable',
        file: this.file,
      });
    }
    let json: unknown;
    try {
      // Editors on Windows like to save a BOM; JSON.parse does not.
      json = JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, ''));
    } catch (error) {
      return {
        kind: 'corrupt',
        code: 'invalid-json',
        problem: `is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        fields: [],
      };
    }
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && version > CONFIG_VERSION) return { kind: 'newer', version };
    const parsed = configSchema.safeParse(json);
    if (!parsed.success) {
      const { text, fields } = describeIssues(parsed.error.issues);
      return { kind: 'corrupt', code: 'invalid', problem: `is invalid: ${text}`, fields };
    }
    return { kind: 'ok', config: parsed.data };
  }

  /** Turns a read into a config or an error; call with the lock held (corrupt files move). */
  private async settle(result: ReadResult): Promise<Config> {
    switch (result.kind) {
      case 'missing':
        return defaultConfig();
      case 'ok':
        return result.config;
      case 'newer':
        // A newer pgentra wrote it: keep it intact for that version, refuse to guess.
        throw new ConfigError(
          `${this.file} is from a newer pgentra (config version ${result.version}; this one understands ${CONFIG_VERSION}). Update pgentra; the file was left unchanged.`,
          { code: 'newer-version', file: this.file },
        );
      case 'corrupt':
        throw await this.quarantine(result);
    }
  }

  private async quarantine(result: Extract<ReadResult, { kind: 'corrupt' }>): Promise<ConfigError> {
    const { problem, code, fields } = result;
    const stamp = new Date(this.deps.clock.now()).toISOString().replace(/[:.]/g, '-');
    let aside = `${this.file}.corrupt-${stamp}`;
    try {
      // rename() replaces an existing target: two quarantines in one millisecond (or a clock set
      // back) must not destroy the first one's evidence.
      for (let n = 2; (await this.deps.fs.lstat(aside)) !== null; n += 1)
        aside = `${this.file}.corrupt-${stamp}-${n}`;
      await this.deps.fs.rename(this.file, aside);
    } catch (error) {
      return new ConfigError(
        `${this.file} ${problem}; it could not be moved aside (${describeFsError(error).reason}): fix or remove it.`,
        { code, file: this.file, fields },
      );
    }
    return new ConfigError(
      `${this.file} ${problem}. It was moved to ${aside} and pgentra starts with an empty configuration; fix that file and move it back, or re-add your clusters.`,
      { code, file: this.file, fields, quarantinedTo: aside },
    );
  }
}
