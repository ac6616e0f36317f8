// A cluster: a saved connection target. Validation errors name the field and say what is wrong in
// words a DBA uses; kind and cloud are inferred from the host when it tells.
//
// Cloud when the host does not tell (an IP address, a private DNS name, the testbed's 127.0.0.1):
// the configured default, `settings.cloud` (itself `public` unless changed). We deliberately do
// not guess "the only custom cloud": adding a second custom cloud later would then silently change
// what an identical `cluster add` means, and a private-DNS alias of a public server is common.
import { isIP } from 'node:net';
import { PgentraError } from './errors.js';
import { z } from 'zod';
import {
  allClouds,
  cloudResource,
  hostInCloud,
  inferFromHost,
  normalizeHost,
  resolveCloud,
  SERVER_KINDS,
  type Cloud,
  type CustomCloud,
  type ServerKind,
} from './clouds.js';
import { clusterNameSchema } from '../shared/cluster-name.js';
import { serverNameSchema } from '../shared/server-name.js';

const NO_LINE_BREAK = /^[^\r\n\0]*$/;

export const clusterSchema = z.object({
  name: clusterNameSchema,
  host: z
    .string()
    .min(1, 'the host is required')
    .max(255, 'a host name is at most 255 characters')
    .regex(/^[A-Za-z0-9.:[\]_-]+$/, 'a host name has only letters, digits, ".", "-" (or an IP address)'),
  port: z
    .number('the port is a number from 1 to 65535')
    .int('the port is a whole number from 1 to 65535')
    .min(1, 'the port is a number from 1 to 65535')
    .max(65535, 'the port is a number from 1 to 65535'),
  database: z
    .string()
    .min(1, 'the database name is empty')
    .max(63, 'PostgreSQL database names are at most 63 bytes')
    .regex(NO_LINE_BREAK, 'a database name cannot contain a line break or NUL byte'),
  /** The Entra user (UPN) or group name, exactly as the server knows it, without a Single Server suffix. */
  user: z
    .string()
    .min(1, 'the user is empty')
    .max(1024, 'the user is longer than 1024 characters')
    // A pgpass line cannot carry one (and a newline could smuggle a wildcard line in beside the token).
    .regex(NO_LINE_BREAK, 'a user name cannot contain a line break or NUL byte'),
  /** Log in as `user` being an Entra group (the token is still the member's own). */
  group: z.boolean('group is true or false'),
  kind: z.enum(['flexible', 'single', 'cosmos'], 'the kind is flexible, single or cosmos'),
  cloud: z.string().min(1, 'the cloud is empty'),
  /** Username or homeAccountId of the signed-in account to use; absent = chosen automatically. */
  account: z.string().min(1).optional(),
  /**
   * Root certificates (PEM) to verify the server with, or `system` for the OS store (libpq ≥ 16);
   * absent = PGSSLROOTCERT, else the Azure roots pgentra ships for the cluster's cloud.
   */
  sslRootCert: z.string().min(1).optional(),
  /**
   * `require`: encrypt but do not verify the server (anyone on the path can take the token).
   * Only ever an explicit choice; absent = verify-full.
   */
  tls: z.enum(['verify-full', 'require'], 'tls is verify-full or require').optional(),
  /**
   * The IP address to connect to (a private endpoint) while the certificate is still checked
   * against `host` (libpq's hostaddr).
   */
  hostaddr: z
    .string()
    .refine((value) => isIP(value) !== 0, 'hostaddr is an IPv4 or IPv6 address, e.g. 10.0.0.5')
    .optional(),
  /** The user confirmed a host outside the cloud's PostgreSQL host names (see TRUST_HOST_REACH). */
  trustHost: z.boolean('trustHost is true or false').optional(),
  /**
   * The Entra tenant the server belongs to, when it is not the account's own (a guest account):
   * tokens are then requested from that tenant. A tenant ID or domain.
   */
  tenant: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/, 'the tenant is a tenant ID or a domain like contoso.com')
    .optional(),
  /**
   * Single Server only: the server's name for the `user@servername` login, when the host does not
   * start with it (an IP address, a custom DNS name). Absent: the host's first label.
   */
  serverName: serverNameSchema.optional(),
  /** The server's Azure resource ID, when it was added from Azure (pre-connect checks, firewall). */
  azureResourceId: z
    .string()
    .max(1024)
    .regex(
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DBforPostgreSQL\/\w+\/[^/]+$/i,
      'azureResourceId is a resource ID like /subscriptions/…/resourceGroups/…/providers/Microsoft.DBforPostgreSQL/flexibleServers/NAME',
    )
    .optional(),
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
  tenant?: string;
  tls?: 'verify-full' | 'require';
  hostaddr?: string;
  trustHost?: boolean;
  serverName?: string;
  azureResourceId?: string;
}

/** What trusting a host means, in the words every face shows before the user confirms. */
export const TRUST_HOST_REACH =
  'this token opens every Azure Database for PostgreSQL server your account can reach';

/** Raised for a cluster whose host is outside its cloud's PostgreSQL host names and not trusted. */
export class UntrustedHostError extends PgentraError {
  override readonly name = 'UntrustedHostError';
  constructor(message: string) {
    super('host-untrusted', message, { field: 'host' });
  }
}

function untrustedHostMessage(host: string, cloud: Cloud): string {
  const names = [...cloud.hostSuffixes.map((s) => `*${s.suffix}`), ...(cloud.hosts ?? [])];
  return (
    `"${host}" is not a ${cloud.name} cloud PostgreSQL host name (${names.join(', ') || 'none declared'}). ` +
    `A token sent there could be replayed: ${TRUST_HOST_REACH}`
  );
}

/** Refuses a token for a host the user has not trusted (clusters saved before the check included). */
export function assertHostTrusted(cluster: Pick<Cluster, 'name' | 'host' | 'trustHost'>, cloud: Cloud): void {
  if (cluster.trustHost || hostInCloud(cluster.host, cloud)) return;
  throw new UntrustedHostError(
    `${untrustedHostMessage(cluster.host, cloud)}. If you trust it, run \`pgentra cluster trust ${cluster.name}\` ` +
      '(or tick "Trust this host" in the cluster form).',
  );
}

export class ClusterValidationError extends PgentraError {
  override readonly name = 'ClusterValidationError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('cluster-invalid', `${field}: ${message}`, { field });
  }
}

/** Single Server's server name: the one given, else the first label of the host. */
export function singleServerName(cluster: Pick<Cluster, 'host' | 'serverName'>): string {
  return cluster.serverName ?? cluster.host.split('.')[0] ?? cluster.host;
}

/** The exact database user name: Single Server wants `user@server`, the others the name as is. */
export function loginUserFor(cluster: Pick<Cluster, 'kind' | 'user' | 'host' | 'serverName'>): string {
  if (cluster.kind !== 'single') return cluster.user;
  const suffix = `@${singleServerName(cluster)}`;
  return cluster.user.toLowerCase().endsWith(suffix.toLowerCase())
    ? cluster.user
    : `${cluster.user}${suffix}`;
}

/** The token audience this cluster needs; a kind the cloud has no resource for names `kind`. */
export function resourceFor(cluster: Pick<Cluster, 'kind' | 'name'>, cloud: Cloud): string {
  const found = cloudResource(cloud, cluster.kind);
  if (!found.ok) throw new ClusterValidationError('kind', found.message);
  return found.resource;
}

export function buildCluster(
  input: ClusterInput,
  context: { defaultCloud: string; customClouds: readonly CustomCloud[] },
): Cluster {
  const host = normalizeHost(input.host);
  // Fields in form order, so the first complaint is about the first bad field the user sees
  // (an empty host must say "host", not "cannot tell the kind from ''").
  firstIssue(
    clusterSchema
      .pick({ name: true, host: true, port: true, user: true })
      .safeParse({ name: input.name, host, port: input.port ?? 5432, user: input.user.trim() }),
  );
  const inferred = inferFromHost(host, context.customClouds);
  const kindInput = input.kind?.trim().toLowerCase() || undefined;
  if (kindInput !== undefined && !isServerKind(kindInput)) {
    throw new ClusterValidationError(
      'kind',
      `"${input.kind}" is not a server kind: use flexible, single or cosmos`,
    );
  }
  const kind: ServerKind | undefined = kindInput ?? inferred?.kind;
  if (!kind) {
    throw new ClusterValidationError(
      'kind',
      `cannot tell the server kind from "${host}": give --kind flexible, single or cosmos`,
    );
  }
  // The suffix only tells Cosmos from the rest; Single and Flexible share theirs. A Cosmos host
  // with another kind (or the reverse) would fetch a token for the wrong audience and fail at
  // login with a baffling "password authentication failed".
  if (inferred && (inferred.kind === 'cosmos') !== (kind === 'cosmos')) {
    throw new ClusterValidationError(
      'kind',
      inferred.kind === 'cosmos'
        ? `"${host}" is a Cosmos DB for PostgreSQL host, so the kind is cosmos, not ${kind}`
        : `"${host}" is an Azure Database for PostgreSQL host, so the kind is flexible or single, not cosmos`,
    );
  }
  const cloud = input.cloud?.trim() || inferred?.cloud || context.defaultCloud;
  if (!allClouds(context.customClouds).some((c) => c.name === cloud)) {
    throw new ClusterValidationError(
      'cloud',
      `unknown cloud "${cloud}" (known: ${allClouds(context.customClouds)
        .map((c) => c.name)
        .join(', ')})`,
    );
  }
  if (inferred && inferred.cloud !== cloud) {
    throw new ClusterValidationError('cloud', `"${host}" is a ${inferred.cloud} cloud host, not ${cloud}`);
  }
  let user = input.user.trim();
  const serverName = kind === 'single' ? singleServerNameOf(host, input.serverName, inferred) : undefined;
  if (kind === 'single') {
    // Accept what users paste from the portal (`alice@contoso.com@myserver`) and store the bare name.
    const suffix = `@${singleServerName({ host, serverName })}`;
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
    ...(input.tenant ? { tenant: input.tenant.trim() } : {}),
    ...(input.tls === 'require' ? { tls: input.tls } : {}),
    ...(input.hostaddr ? { hostaddr: input.hostaddr.trim() } : {}),
    ...(input.trustHost ? { trustHost: true } : {}),
    ...(serverName ? { serverName } : {}),
    ...(input.azureResourceId ? { azureResourceId: input.azureResourceId } : {}),
  };
  const cluster = firstIssue(clusterSchema.safeParse(candidate));
  const resolved = resolveCloud(cloud, context.customClouds);
  resourceFor(cluster, resolved);
  if (!cluster.trustHost && !hostInCloud(host, resolved)) {
    throw new ClusterValidationError(
      'host',
      `${untrustedHostMessage(host, resolved)}. To use it anyway, confirm with --trust-host.`,
    );
  }
  return cluster;
}

/**
 * The server name a Single Server login needs (`user@servername`). Only a host under the Azure
 * Database for PostgreSQL suffix starts with it; for an IP address (`alice@contoso.com@127`) or a
 * custom DNS name the first label is not the server's name, and guessing sends a login Azure
 * rejects with a baffling "password authentication failed".
 */
function singleServerNameOf(
  host: string,
  given: string | undefined,
  inferred: ReturnType<typeof inferFromHost>,
): string | undefined {
  if (given?.trim()) {
    const parsed = serverNameSchema.safeParse(given);
    if (!parsed.success)
      throw new ClusterValidationError('serverName', parsed.error.issues[0]?.message ?? 'is invalid');
    return parsed.data;
  }
  if (inferred?.kind === 'flexible') return undefined;
  throw new ClusterValidationError(
    'serverName',
    `"${host}" ${isIP(host.replace(/^\[|\]$/g, '')) ? 'is an IP address' : 'is not a *.postgres.database.azure.com name'}, ` +
      "so it does not tell the Single Server's name for the user@servername login: give it with " +
      '--server-name (in the window: Server name), e.g. myserver for myserver.postgres.database.azure.com',
  );
}

function isServerKind(value: string): value is ServerKind {
  return SERVER_KINDS.some((kind) => kind === value);
}

function firstIssue<T>(result: z.ZodSafeParseResult<T>): T {
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ClusterValidationError(String(issue?.path[0] ?? 'cluster'), issue?.message ?? 'is invalid');
}
