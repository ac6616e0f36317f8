// A cluster: a saved connection target. Validation errors name the field and say what is wrong in
// words a DBA uses; kind and cloud are inferred from the host when it tells.
import { z } from 'zod';
import {
  allClouds,
  inferFromHost,
  resolveCloud,
  type Cloud,
  type CustomCloud,
  type ServerKind,
} from './clouds.js';

export const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const NO_LINE_BREAK = /^[^\r\n\0]*$/;

export const clusterSchema = z.object({
  name: z
    .string()
    .regex(
      CLUSTER_NAME_PATTERN,
      'use 1–64 letters, digits, ".", "_" or "-" (no spaces: the name is used in commands)',
    ),
  host: z
    .string()
    .min(1, 'the host is required')
    .max(255)
    .regex(/^[A-Za-z0-9.:[\]_-]+$/, 'a host name has only letters, digits, ".", "-" (or an IP address)'),
  port: z.number().int().min(1).max(65535),
  database: z
    .string()
    .min(1, 'the database name is empty')
    .max(63, 'PostgreSQL database names are at most 63 bytes')
    .regex(NO_LINE_BREAK, 'a database name cannot contain a line break or NUL byte'),
  /** The Entra user (UPN) or group name, exactly as the server knows it, without a Single Server suffix. */
  user: z
    .string()
    .min(1, 'the user is empty')
    .max(1024)
    // A pgpass line cannot carry one (and a newline could smuggle a wildcard line in beside the token).
    .regex(NO_LINE_BREAK, 'a user name cannot contain a line break or NUL byte'),
  group: z.boolean(),
  kind: z.enum(['flexible', 'single', 'cosmos']),
  cloud: z.string().min(1),
  /** Username or homeAccountId of the signed-in account to use; absent = chosen automatically. */
  account: z.string().min(1).optional(),
  /** Root certificate for sslmode=verify-full (e.g. Azure's roots); absent = libpq's default. */
  sslRootCert: z.string().min(1).optional(),
});
export type Cluster = z.infer<typeof clusterSchema>;

export interface ClusterInput {
  name: string;
  host: string;
  port?: number;
  database?: string;
  user: string;
  group?: boolean;
  kind?: string;
  cloud?: string;
  account?: string;
  sslRootCert?: string;
}

export class ClusterValidationError extends Error {
  override readonly name = 'ClusterValidationError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Single Server's server name: the first label of the host. */
export function singleServerName(host: string): string {
  return host.split('.')[0] ?? host;
}

/** The exact database user name: Single Server wants `user@server`, the others the name as is. */
export function loginUserFor(cluster: Pick<Cluster, 'kind' | 'user' | 'host'>): string {
  if (cluster.kind !== 'single') return cluster.user;
  const suffix = `@${singleServerName(cluster.host)}`;
  return cluster.user.toLowerCase().endsWith(suffix.toLowerCase())
    ? cluster.user
    : `${cluster.user}${suffix}`;
}

export function resourceFor(cluster: Pick<Cluster, 'kind' | 'name'>, cloud: Cloud): string {
  const resource = cloud.resources[cluster.kind];
  if (!resource) {
    throw new ClusterValidationError(
      'kind',
      `Microsoft documents no Cosmos DB for PostgreSQL resource for the ${cloud.name} cloud; add a custom cloud with resources.cosmos if yours has one`,
    );
  }
  return resource;
}

export function buildCluster(
  input: ClusterInput,
  context: { defaultCloud: string; customClouds: readonly CustomCloud[] },
): Cluster {
  const host = input.host.trim().toLowerCase().replace(/\.$/, '');
  const inferred = inferFromHost(host, context.customClouds);
  const kindInput = input.kind?.trim().toLowerCase();
  if (kindInput && !['flexible', 'single', 'cosmos'].includes(kindInput)) {
    throw new ClusterValidationError(
      'kind',
      `"${input.kind}" is not a server kind: use flexible, single or cosmos`,
    );
  }
  const kind = (kindInput as ServerKind | undefined) ?? inferred?.kind;
  if (!kind) {
    throw new ClusterValidationError(
      'kind',
      `cannot tell the server kind from "${host}": give --kind flexible, single or cosmos`,
    );
  }
  const cloud = input.cloud ?? inferred?.cloud ?? context.defaultCloud;
  if (!allClouds(context.customClouds).some((c) => c.name === cloud)) {
    throw new ClusterValidationError(
      'cloud',
      `unknown cloud "${cloud}" (known: ${allClouds(context.customClouds)
        .map((c) => c.name)
        .join(', ')})`,
    );
  }
  if (inferred && input.cloud && inferred.cloud !== input.cloud) {
    throw new ClusterValidationError(
      'cloud',
      `"${host}" is a ${inferred.cloud} cloud host, not ${input.cloud}`,
    );
  }
  let user = input.user.trim();
  if (kind === 'single') {
    // Accept what users paste from the portal (`alice@contoso.com@myserver`) and store the bare name.
    const suffix = `@${singleServerName(host)}`;
    if (user.toLowerCase().endsWith(suffix.toLowerCase()) && user.length > suffix.length)
      user = user.slice(0, -suffix.length);
  }
  const candidate = {
    name: input.name,
    host,
    port: input.port ?? 5432,
    database: input.database ?? (kind === 'cosmos' ? 'citus' : 'postgres'),
    user,
    group: input.group ?? false,
    kind,
    cloud,
    ...(input.account ? { account: input.account } : {}),
    ...(input.sslRootCert ? { sslRootCert: input.sslRootCert } : {}),
  };
  const parsed = clusterSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ClusterValidationError(String(issue?.path[0] ?? 'cluster'), issue?.message ?? 'invalid');
  }
  resourceFor(parsed.data, resolveCloud(cloud, context.customClouds));
  return parsed.data;
}
