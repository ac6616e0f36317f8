// What config.json may hold, checked entry by entry: one bad cluster or setting is set aside
// (flagged, its JSON kept verbatim) and everything else keeps working. A person edits this file by
// hand, and a typo in one port must never cost them their other clusters, client ID and tenant.
// When pgentra writes the file again, each flagged entry goes back exactly as it was found.
import { z } from 'zod';
import { allClouds, BUILT_IN_CLOUD_NAMES, cloudResource, customCloudSchema } from './clouds.js';
import { clusterSchema } from './clusters.js';
import { settingsSchema as sharedSettingsSchema } from '../shared/settings.js';

export const CONFIG_VERSION = 1;

// The shared settings plus what only the file holds: custom clouds need core's cloud rules.
const settingsSchema = sharedSettingsSchema.extend({
  customClouds: z.array(customCloudSchema).default([]),
});

/** The whole file's rules: what pgentra itself writes must pass them. */
export const configSchema = z
  .object({
    version: z.literal(CONFIG_VERSION, `version must be ${CONFIG_VERSION}`),
    settings: settingsSchema.default(settingsSchema.parse({})),
    clusters: z.array(clusterSchema).default([]),
  })
  // Cross-field rules, reported at the field a person would edit.
  .superRefine((config, context) => {
    for (const problem of crossFieldProblems(config.settings, config.clusters))
      context.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });
export type Config = z.infer<typeof configSchema>;
export type Settings = Config['settings'];
type Cluster = Config['clusters'][number];
type CustomCloud = Settings['customClouds'][number];

export const defaultConfig = (): Config => configSchema.parse({ version: CONFIG_VERSION });

/** One entry of config.json that pgentra set aside because it is invalid. */
export interface ConfigProblem {
  /** The entry set aside: `clusters[2]`, `settings.tenant`, `settings.customClouds[0]`, `version`. */
  entry: string;
  /** The field at fault inside it, e.g. `clusters[2].port`. */
  field: string;
  /** What is wrong, in words a person can act on. */
  message: string;
  /** The cluster's name when the entry is a cluster that has one (to remove it by name). */
  clusterName?: string;
}

/** A problem as every face words it: what is ignored, the field, and the fix. */
export function configProblemText(problem: ConfigProblem, file: string): string {
  const fix =
    problem.clusterName === undefined
      ? `Fix it in ${file}; until then pgentra uses the default.`
      : `Fix it in ${file}, or remove it with \`pgentra cluster remove ${problem.clusterName}\`.`;
  const what =
    problem.clusterName === undefined ? problem.entry : `cluster "${problem.clusterName}" (${problem.entry})`;
  return `${what} is invalid and ignored: ${problem.field}: ${problem.message}. ${fix}`;
}

/** Where a flagged entry goes back when the file is written. */
type Slot =
  | { kind: 'cluster' }
  | { kind: 'custom-cloud' }
  | { kind: 'setting'; key: string }
  | { kind: 'section'; key: 'version' | 'settings' | 'clusters' };

export interface FlaggedEntry {
  problem: ConfigProblem;
  slot: Slot;
  /** The entry exactly as the file had it. */
  raw: unknown;
}

export interface CheckedConfig {
  config: Config;
  flagged: FlaggedEntry[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function pathText(parts: readonly PropertyKey[]): string {
  return parts
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

function firstIssue(prefix: readonly PropertyKey[], error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  return {
    field: pathText([...prefix, ...(issue?.path ?? [])]) || '(top level)',
    message: issue?.message ?? 'is invalid',
  };
}

/**
 * Checks parsed JSON entry by entry. The caller has already refused what is not an object and a
 * newer version; everything else becomes a config, with the bad entries set aside.
 */
export function checkEntries(json: Record<string, unknown>): CheckedConfig {
  const flagged: FlaggedEntry[] = [];
  const flag = (
    slot: Slot,
    entry: string,
    raw: unknown,
    at: { field: string; message: string },
    name?: string,
  ) =>
    flagged.push({
      slot,
      raw,
      problem: {
        entry,
        field: at.field,
        message: at.message,
        ...(name === undefined ? {} : { clusterName: name }),
      },
    });

  if (json.version !== CONFIG_VERSION)
    flag({ kind: 'section', key: 'version' }, 'version', json.version, {
      field: 'version',
      message: `must be ${CONFIG_VERSION}`,
    });

  const settings = checkSettings(json.settings, flag);
  const clusters: Cluster[] = [];
  if (json.clusters !== undefined && !Array.isArray(json.clusters))
    flag({ kind: 'section', key: 'clusters' }, 'clusters', json.clusters, {
      field: 'clusters',
      message: 'must be a list of clusters ([…])',
    });
  const rawClusters = Array.isArray(json.clusters) ? (json.clusters as unknown[]) : [];
  const seen = new Set<string>();
  rawClusters.forEach((raw, index) => {
    const name = isObject(raw) && typeof raw.name === 'string' ? raw.name : undefined;
    const entry = `clusters[${index}]`;
    const parsed = clusterSchema.safeParse(raw);
    if (!parsed.success)
      return flag({ kind: 'cluster' }, entry, raw, firstIssue([entry], parsed.error), name);
    const cross = clusterProblem(parsed.data, settings, seen);
    if (cross)
      return flag(
        { kind: 'cluster' },
        entry,
        raw,
        { field: `${entry}.${cross.field}`, message: cross.message },
        name,
      );
    seen.add(parsed.data.name);
    clusters.push(parsed.data);
  });
  return { config: { version: CONFIG_VERSION, settings, clusters }, flagged };
}

type Flag = (slot: Slot, entry: string, raw: unknown, at: { field: string; message: string }) => void;

function checkSettings(raw: unknown, flag: Flag): Settings {
  const defaults = settingsSchema.parse({});
  if (raw === undefined) return defaults;
  if (!isObject(raw)) {
    flag({ kind: 'section', key: 'settings' }, 'settings', raw, {
      field: 'settings',
      message: 'must be an object ({…})',
    });
    return defaults;
  }
  const shape = settingsSchema.shape as Record<string, z.ZodType>;
  const settings: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(raw)) {
    const schema = shape[key];
    // Unknown keys are dropped as zod does for the whole file: they mean nothing to this version.
    if (!schema || key === 'customClouds') continue;
    const parsed = schema.safeParse(value);
    if (parsed.success) settings[key] = parsed.data;
    else
      flag({ kind: 'setting', key }, `settings.${key}`, value, firstIssue(['settings', key], parsed.error));
  }
  settings.customClouds = checkCustomClouds(raw.customClouds, flag);
  const checked = settings as Settings;
  if (!allClouds(checked.customClouds).some((cloud) => cloud.name === checked.cloud)) {
    flag({ kind: 'setting', key: 'cloud' }, 'settings.cloud', raw.cloud, {
      field: 'settings.cloud',
      message: unknownCloud(checked.cloud, checked.customClouds),
    });
    checked.cloud = defaults.cloud;
  }
  return checked;
}

function checkCustomClouds(raw: unknown, flag: Flag): CustomCloud[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    flag({ kind: 'setting', key: 'customClouds' }, 'settings.customClouds', raw, {
      field: 'settings.customClouds',
      message: 'must be a list of clouds ([…])',
    });
    return [];
  }
  const clouds: CustomCloud[] = [];
  (raw as unknown[]).forEach((value, index) => {
    const entry = `settings.customClouds[${index}]`;
    const parsed = customCloudSchema.safeParse(value);
    if (!parsed.success)
      return flag(
        { kind: 'custom-cloud' },
        entry,
        value,
        firstIssue(['settings', 'customClouds', index], parsed.error),
      );
    const name = parsed.data.name;
    const clash = BUILT_IN_CLOUD_NAMES.some((builtIn) => builtIn === name)
      ? `"${name}" is a built-in cloud; give the custom one another name`
      : clouds.some((cloud) => cloud.name === name)
        ? `duplicate cloud name "${name}"`
        : undefined;
    if (clash)
      return flag({ kind: 'custom-cloud' }, entry, value, { field: `${entry}.name`, message: clash });
    clouds.push(parsed.data);
  });
  return clouds;
}

const unknownCloud = (name: string, custom: readonly CustomCloud[]) =>
  `unknown cloud "${name}" (known: ${allClouds(custom)
    .map((cloud) => cloud.name)
    .join(', ')})`;

function clusterProblem(
  cluster: Cluster,
  settings: Settings,
  seen: ReadonlySet<string>,
): { field: string; message: string } | undefined {
  if (seen.has(cluster.name))
    return { field: 'name', message: `duplicate cluster name "${cluster.name}": rename or remove one` };
  const cloud = allClouds(settings.customClouds).find((c) => c.name === cluster.cloud);
  if (!cloud) return { field: 'cloud', message: unknownCloud(cluster.cloud, settings.customClouds) };
  const resource = cloudResource(cloud, cluster.kind);
  return resource.ok ? undefined : { field: 'kind', message: resource.message };
}

function crossFieldProblems(
  settings: Settings,
  clusters: readonly Cluster[],
): { path: (string | number)[]; message: string }[] {
  // The same rules as checkEntries, for a whole config pgentra is about to write.
  const problems: { path: (string | number)[]; message: string }[] = [];
  const flag: Flag = (_slot, _entry, _raw, at) =>
    problems.push({
      path: at.field
        .split(/\.|\[(\d+)\]/)
        .filter(Boolean)
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      message: at.message,
    });
  const checked = checkSettings({ ...settings, customClouds: settings.customClouds }, flag);
  const seen = new Set<string>();
  clusters.forEach((cluster, index) => {
    const problem = clusterProblem(cluster, checked, seen);
    if (problem) problems.push({ path: ['clusters', index, problem.field], message: problem.message });
    seen.add(cluster.name);
  });
  return problems;
}

/**
 * The JSON to write: the new config with every flagged entry back where the file had it. A
 * flagged setting the change gave a new value is repaired, not restored; a whole section that was
 * not even an object or a list cannot be merged, so a change to it is refused by the caller.
 */
export function withFlaggedEntries(
  next: Config,
  loaded: Config,
  flagged: readonly FlaggedEntry[],
): { json: unknown; kept: FlaggedEntry[] } {
  const out: Record<string, unknown> = { ...next };
  const settings: Record<string, unknown> = { ...next.settings };
  const clusters: unknown[] = [...next.clusters];
  const clouds: unknown[] = [...next.settings.customClouds];
  const kept: FlaggedEntry[] = [];
  for (const entry of flagged) {
    const { slot, raw } = entry;
    if (slot.kind === 'setting') {
      const key = slot.key as keyof Settings;
      if (JSON.stringify(next.settings[key]) !== JSON.stringify(loaded.settings[key])) continue;
      settings[slot.key] = raw;
    } else if (slot.kind === 'cluster') clusters.push(raw);
    else if (slot.kind === 'custom-cloud') clouds.push(raw);
    else if (slot.key === 'version') out.version = raw;
    kept.push(entry);
  }
  settings.customClouds = clouds;
  const restoredSection = (key: 'settings' | 'clusters') =>
    flagged.find((f) => f.slot.kind === 'section' && f.slot.key === key);
  out.settings = restoredSection('settings')?.raw ?? settings;
  out.clusters = restoredSection('clusters')?.raw ?? clusters;
  return { json: out, kept };
}

/** The section a change may not touch while the file holds it in a shape pgentra cannot merge. */
export function unmergeableSection(
  next: Config,
  loaded: Config,
  flagged: readonly FlaggedEntry[],
): string | undefined {
  for (const { slot } of flagged)
    if (
      slot.kind === 'section' &&
      slot.key !== 'version' &&
      JSON.stringify(next[slot.key]) !== JSON.stringify(loaded[slot.key])
    )
      return slot.key;
  return undefined;
}
