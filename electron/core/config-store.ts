// config.json: one versioned file shared by the tray and the CLI, which people also edit by hand.
// Every change is a read-modify-write under a lock, so neither loses the other's edits. Reading
// never moves, empties or rewrites the file: a bad entry is set aside and reported while the rest
// works (config-entries.ts), and a file that is not JSON at all stops every command with its line
// and column until a person fixes it. Writing puts set-aside entries back verbatim and first keeps
// the last fully valid file beside it as config.json.bak. A file from a newer pgentra is refused
// and left exactly where it is: it is valid, just not for us.
import { PgentraError, type FailureCode } from './errors.js';
import os from 'node:os';
import path from 'node:path';
import {
  checkEntries,
  configProblemText,
  configSchema,
  CONFIG_VERSION,
  defaultConfig,
  unmergeableSection,
  withFlaggedEntries,
  type CheckedConfig,
  type Config,
  type ConfigProblem,
} from './config-entries.js';
import { resolveConfigDir as resolveConfigDirPositional } from './config-dir.js';
import { describeFsError, removeLeftoverTemps, writeFileAtomic } from './files/atomic-write.js';
import { jsonErrorPosition } from './files/json-position.js';
import { withFileLock, type LockOptions } from './files/lock.js';
import { assertConfigTrusted } from './config-trust.js';
import type { Clock, FileSystem } from './ports.js';

export { configProblemText, configSchema, CONFIG_VERSION, defaultConfig };
export type { Config, ConfigProblem, Settings } from './config-entries.js';

export const CONFIG_FILE_NAME = 'config.json';
export const CONFIG_BACKUP_SUFFIX = '.bak';

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

export type ConfigErrorCode =
  /** The file exists but could not be read (permissions, I/O). Left in place. */
  | 'unreadable'
  /** Not JSON (or not an object). Left in place, untouched; every command stops until it is fixed. */
  | 'invalid-json'
  /** Written by a newer pgentra. Left in place, untouched. */
  | 'newer-version'
  /** A change asked of update() would make the config invalid. Nothing was written. */
  | 'invalid-change'
  /** The entry a command needs was set aside as invalid. */
  | 'flagged-entry';

const FAILURE_BY_REASON = {
  unreadable: 'config-unreadable',
  'invalid-json': 'config-invalid',
  'newer-version': 'config-newer',
  'invalid-change': 'config-change-invalid',
  'flagged-entry': 'config-entry-invalid',
} as const satisfies Record<ConfigErrorCode, FailureCode>;

export class ConfigError extends PgentraError {
  override readonly name = 'ConfigError';
  readonly reason: ConfigErrorCode;
  readonly file: string;
  /** Dotted paths of the offending fields, e.g. `clusters[0].port` (empty for non-JSON). */
  readonly fields: readonly string[];

  constructor(message: string, details: { code: ConfigErrorCode; file: string; fields?: readonly string[] }) {
    super(FAILURE_BY_REASON[details.code], message, {
      file: details.file,
      ...(details.fields?.[0] ? { field: details.fields[0] } : {}),
    });
    this.reason = details.code;
    this.file = details.file;
    this.fields = details.fields ?? [];
  }
}

/** The config and the entries of the file that were set aside as invalid. */
export interface LoadedConfig {
  config: Config;
  problems: readonly ConfigProblem[];
}

type ReadResult =
  | { kind: 'missing' }
  | { kind: 'ok'; raw: Buffer; checked: CheckedConfig }
  | { kind: 'newer'; version: number };

export interface ConfigStoreDeps {
  fs: FileSystem;
  dir: string;
  clock: Clock;
  /** Lock tuning; tests shorten it. */
  lock?: Omit<LockOptions, 'clock'>;
}

export class ConfigStore {
  readonly file: string;
  readonly backupFile: string;
  private readonly lockFile: string;
  private readonly lockOptions: LockOptions;

  constructor(private readonly deps: ConfigStoreDeps) {
    this.file = path.join(deps.dir, CONFIG_FILE_NAME);
    this.backupFile = `${this.file}${CONFIG_BACKUP_SUFFIX}`;
    this.lockFile = path.join(deps.dir, `${CONFIG_FILE_NAME}.lock`);
    // staleMs well above the critical section (a read, a parse, a write), so a live holder is
    // never taken over; a crashed one is after 30 s at most.
    this.lockOptions = { timeoutMs: 10_000, staleMs: 30_000, ...deps.lock, clock: deps.clock };
  }

  /** The current config; the defaults when there is no file. Reading never changes the file. */
  async load(): Promise<Config> {
    return (await this.loadChecked()).config;
  }

  /**
   * The config with the entries that were set aside. Throws ConfigError for an unreadable file,
   * one that is not JSON, or one from a newer pgentra — all left untouched.
   */
  async loadChecked(): Promise<LoadedConfig> {
    const { config, flagged } = this.settle(await this.read());
    return { config, problems: flagged.map((entry) => entry.problem) };
  }

  /**
   * Read-modify-write under the lock; `change` may throw to abort without writing. `drop` names
   * flagged entries (by `entry`) the user chose to remove; every other one is written back as is.
   */
  async update(
    change: (config: Config) => Config | Promise<Config>,
    options: { drop?: readonly string[] } = {},
  ): Promise<LoadedConfig> {
    await this.deps.fs.mkdir(this.deps.dir, 0o700);
    return withFileLock(
      this.deps.fs,
      this.lockFile,
      async () => {
        const read = await this.read();
        const current = this.settle(read);
        const parsed = configSchema.safeParse(await change(current.config));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const field =
            issue?.path
              .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
              .join('')
              .replace(/^\./, '') ?? '';
          throw new ConfigError(
            `not saved: the change would make ${this.file} invalid: ${field || '(top level)'}: ${issue?.message ?? 'invalid'}`,
            { code: 'invalid-change', file: this.file, fields: [field] },
          );
        }
        // A writer killed mid-write left its temp file; we hold the lock, so none is live.
        await removeLeftoverTemps(this.deps.fs, this.file);
        const kept = current.flagged.filter((entry) => !options.drop?.includes(entry.problem.entry));
        const blocked = unmergeableSection(parsed.data, current.config, kept);
        if (blocked)
          throw new ConfigError(
            `not saved: "${blocked}" in ${this.file} is not valid JSON for pgentra to add to; fix it by hand first (\`pgentra config check\` shows what is wrong).`,
            { code: 'invalid-change', file: this.file, fields: [blocked] },
          );
        // The file we are about to replace was fully valid: it becomes the last good copy.
        if (read.kind === 'ok' && current.flagged.length === 0)
          await writeFileAtomic(this.deps.fs, this.backupFile, read.raw, { mode: 0o600 });
        const written = withFlaggedEntries(parsed.data, current.config, kept);
        await writeFileAtomic(
          this.deps.fs,
          this.file,
          Buffer.from(JSON.stringify(written.json, null, 2) + '\n'),
          { mode: 0o600 },
        );
        return { config: parsed.data, problems: written.kept.map((entry) => entry.problem) };
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
    // Editors on Windows like to save a BOM; JSON.parse does not.
    const text = raw.toString('utf8').replace(/^\uFEFF/, '');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.unusable(`is not valid JSON at ${jsonErrorPosition(text)}`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw this.unusable('must hold one JSON object ({"version": 1, "settings": {…}, "clusters": […]})');
    const version = (json as { version?: unknown }).version;
    if (typeof version === 'number' && version > CONFIG_VERSION) return { kind: 'newer', version };
    return { kind: 'ok', raw, checked: checkEntries(json as Record<string, unknown>) };
  }

  private unusable(problem: string): ConfigError {
    return new ConfigError(
      `${this.file} ${problem}. pgentra left it untouched and does nothing until it is fixed: correct it in an editor, or put back the last good copy, ${this.backupFile}, if there is one.`,
      { code: 'invalid-json', file: this.file },
    );
  }

  private settle(result: ReadResult): CheckedConfig {
    switch (result.kind) {
      case 'missing':
        return { config: defaultConfig(), flagged: [] };
      case 'ok':
        return result.checked;
      case 'newer':
        // A newer pgentra wrote it: keep it intact for that version, refuse to guess.
        throw new ConfigError(
          `${this.file} is from a newer pgentra (config version ${result.version}; this one understands ${CONFIG_VERSION}). Update pgentra; the file was left unchanged.`,
          { code: 'newer-version', file: this.file },
        );
    }
  }
}
