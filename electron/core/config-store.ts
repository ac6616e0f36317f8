// config.json: one versioned, validated file shared by the tray and the CLI. Every change is a
// read-modify-write under a lock, so neither loses the other's edits; a file that does not parse
// or validate is moved aside (quarantined) and reported, never silently overwritten.
import path from 'node:path';
import { z } from 'zod';
import { customCloudSchema } from './clouds.js';
import { clusterSchema } from './clusters.js';
import { describeFsError, writeFileAtomic } from './files/atomic-write.js';
import { withFileLock } from './files/lock.js';
import type { Clock, FileSystem } from './ports.js';

export const CONFIG_VERSION = 1;
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

const settingsSchema = z.object({
  clientId: z
    .string()
    .regex(/^[0-9a-fA-F-]{36}$/, 'the client ID is a GUID like 04b07795-8ddb-461a-bbee-02f9e1bf7b46')
    .default(AZURE_CLI_CLIENT_ID),
  tenant: z.string().min(1).max(256).default('organizations'),
  cloud: z.string().min(1).default('public'),
  refreshMarginSec: z.number().int().min(60).max(3600).default(900),
  pgpass: z
    .object({ enabled: z.boolean().default(true), path: z.string().min(1).optional() })
    .default({ enabled: true }),
  clipboardClearSec: z.number().int().min(5).max(600).default(30),
  terminal: z.array(z.string().min(1)).default([]),
  pgadminPath: z.string().min(1).optional(),
  startAtLogin: z.boolean().default(false),
  allowPlaintextCache: z.boolean().default(false),
  customClouds: z.array(customCloudSchema).default([]),
});

export const configSchema = z
  .object({
    version: z.literal(CONFIG_VERSION),
    settings: settingsSchema.default(settingsSchema.parse({})),
    clusters: z.array(clusterSchema).default([]),
  })
  .superRefine((config, context) => {
    const seen = new Set<string>();
    config.clusters.forEach((cluster, index) => {
      if (seen.has(cluster.name))
        context.addIssue({
          code: 'custom',
          path: ['clusters', index, 'name'],
          message: `duplicate cluster name "${cluster.name}"`,
        });
      seen.add(cluster.name);
    });
  });
export type Config = z.infer<typeof configSchema>;
export type Settings = Config['settings'];

export const defaultConfig = (): Config => configSchema.parse({ version: CONFIG_VERSION });

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly quarantinedTo?: string,
  ) {
    super(message);
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
  return `${field || '(top level)'}: ${issue.message}`;
}

export class ConfigStore {
  readonly file: string;
  private readonly lockFile: string;

  constructor(private readonly deps: { fs: FileSystem; dir: string; clock: Clock }) {
    this.file = path.join(deps.dir, 'config.json');
    this.lockFile = path.join(deps.dir, 'config.json.lock');
  }

  async load(): Promise<Config> {
    let raw: Buffer;
    try {
      raw = await this.deps.fs.readFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultConfig();
      throw new ConfigError(`cannot read ${this.file}: ${describeFsError(error).reason}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, ''));
    } catch (error) {
      throw await this.quarantine(
        `is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && version > CONFIG_VERSION) {
      // A newer pgentra wrote it: keep it intact for that version, refuse to guess.
      throw new ConfigError(
        `${this.file} is from a newer pgentra (config version ${version}; this one understands ${CONFIG_VERSION}). Update pgentra.`,
      );
    }
    const parsed = configSchema.safeParse(json);
    if (!parsed.success)
      throw await this.quarantine(
        `is invalid: ${parsed.error.issues.slice(0, 3).map(describeIssue).join('; ')}`,
      );
    return parsed.data;
  }

  /** Read-modify-write under the lock; `change` may throw to abort without writing. */
  async update(change: (config: Config) => Config): Promise<Config> {
    await this.deps.fs.mkdir(this.deps.dir, 0o700);
    return withFileLock(
      this.deps.fs,
      this.lockFile,
      async () => {
        const next = configSchema.parse(change(await this.load()));
        await writeFileAtomic(this.deps.fs, this.file, Buffer.from(JSON.stringify(next, null, 2) + '\n'), {
          mode: 0o600,
        });
        return next;
      },
      { clock: this.deps.clock, timeoutMs: 10_000, staleMs: 30_000 },
    );
  }

  private async quarantine(problem: string): Promise<ConfigError> {
    const stamp = new Date(this.deps.clock.now()).toISOString().replace(/[:.]/g, '-');
    const aside = `${this.file}.corrupt-${stamp}`;
    try {
      await this.deps.fs.rename(this.file, aside);
    } catch (error) {
      return new ConfigError(
        `${this.file} ${problem}; it could not be moved aside (${describeFsError(error).reason}): fix or remove it.`,
      );
    }
    return new ConfigError(
      `${this.file} ${problem}. It was moved to ${aside} and pgentra starts with an empty configuration; fix that file and move it back, or re-add your clusters.`,
      aside,
    );
  }
}
